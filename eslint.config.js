// Lint keeps the house rules of DESIGN.md: src/ runs under plain Node (no Electron, React,
// Konva or DOM), its floors import only downward, and renderer/ talks to AppApi only (no Node
// built-ins or native modules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nativeModules = ['better-sqlite3', 'sharp', 'onnxruntime-node', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];

// Floors of src/, lowest first (DESIGN.md): a room imports only from its own floor or below, so
// every arrow of the import graph points down. Type-only imports count too (an upward type import
// is still an upward arrow). Rooms that share a floor import each other in one direction only, the
// one the code already needs (training -> inference -> export, cli -> server), so they form no
// circle. Tests (*.test.ts) stand above every floor; test-only code lives in src/test-support/
// (and the crash tests' child processes in src/reliability/), which no shipped file may import.
const floors = [['api'], ['store'], ['media'], ['annotation'], ['jobs'], ['inference', 'training', 'export'], ['service'], ['server', 'cli']];
const sameFloor = { inference: ['export'], training: ['inference', 'export'], cli: ['server'] };
const testOnly = ['test-support', 'reliability'];
const floorRules = floors.flatMap((floor, level) =>
  floor.flatMap((room) => {
    const below = floors.slice(0, level).flat();
    const allowed = [...below, room, ...(sameFloor[room] ?? [])];
    const refused = [...floors.flat(), ...testOnly].filter((r) => !allowed.includes(r));
    // One block per folder depth, so '../' * depth is exactly the way out to src/.
    return [1, 2, 3, 4, 5].map((depth) => ({
      files: [`src/${room}/${'*/'.repeat(depth - 1)}*.ts`],
      ignores: ['src/**/*.test.ts'],
      rules: {
        // typescript-eslint's twin of no-restricted-imports, so the src/ block's refused packages
        // (electron, react, ...) still apply; allowTypeImports stays off: type imports are refused too.
        '@typescript-eslint/no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                regex: `^(\\.\\./){${depth}}(${refused.join('|')})(/|\\.js$|$)`,
                message: `src/${room}/ may import only from its own floor or below (${allowed.join(', ')}) and never test-only code; move the shared piece down instead.`,
              },
              { regex: '\\.test(\\.js)?$', message: 'Shipped code never imports a test file.' },
            ],
          },
        ],
      },
    }));
  }),
);

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
    // The store owns the SQL (DESIGN.md): other rooms call named functions of src/store/, so a
    // migration is one folder's change. Tests may read the database raw to check what is on disk,
    // and so may the crash tests' writer child process (it picks its targets from the file).
    files: ['src/**/*.ts', 'electron/**/*.ts'],
    ignores: ['src/store/**', 'src/**/*.test.ts', 'src/reliability/crash-writer.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          // db.prepare(...), db.pragma(...): on anything, whatever the SQL text is built from.
          "CallExpression[callee.property.name=/^(prepare|pragma)$/]",
          // db.exec(...): RegExp#exec has the same name, so flag a database receiver or SQL text.
          "CallExpression[callee.property.name='exec'][callee.object.name=/^(db|database|sqlite)$/i]",
          "CallExpression[callee.property.name='exec'][callee.object.property.name=/^(db|database|sqlite)$/i]",
          "CallExpression[callee.property.name='exec'][arguments.0.type='TemplateLiteral']",
          "CallExpression[callee.property.name='exec'][arguments.0.type='Literal']",
          // Opening a database is the store's too (openDatabase, openProject).
          "NewExpression[callee.name=/^(Database|BetterSqlite3|Sqlite)$/]",
        ].map((selector) => ({
          selector,
          message: 'The store owns the SQL: call (or add) a named function of src/store/ instead of running SQL here.',
        })),
      ],
    },
  },
  ...floorRules,
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
    // Views render and dispatch; the state modules own every API call (DESIGN.md: the canvas is a
    // view too). A separate rule name, so the renderer's no-restricted-imports above still applies.
    files: ['renderer/views/**/*.{ts,tsx}', 'renderer/canvas/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+api(/(index|ipc|global))?$',
              message: 'Views call the API through renderer/state (add a function there); only renderer/api/media (image URLs) is for views.',
            },
            {
              regex: '/src/api/(web-client|reply)$',
              message: 'Views call the API through renderer/state, never a client directly.',
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
