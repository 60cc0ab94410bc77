// Lint keeps the house rules of DESIGN.md: src/ runs under plain Node (no Electron, React,
// Konva or DOM), and renderer/ talks to AppApi only (no Node built-ins or native modules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nativeModules = ['better-sqlite3', 'sharp', 'onnxruntime-node', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'workspace/**', 'bench/.data/**', '**/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron', 'react', 'react-dom', 'konva', 'react-konva'].map((name) => ({
            name,
            message: 'src/ is the core: it runs under plain Node, without Electron or UI libraries.',
          })),
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, ...nativeModules].map((name) => ({
            name,
            message: 'renderer/ talks to AppApi only: no Node built-ins or native modules.',
          })),
          patterns: [
            {
              group: ['**/src/*', '!**/src/api', '!**/src/api/*'],
              message: 'renderer/ may import only the contract (src/api) from the core.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'e2e/**/*.{ts,js}', 'bench/**/*.{ts,js}', '*.config.{ts,js}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
