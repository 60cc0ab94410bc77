/**
 * Electron Fuses of a packaged Apprentice: `npm run fuses -- <packaged Electron binary or .app>`,
 * run after packaging and before code signing. Fuses are bits in the Electron binary itself, so
 * they are flipped in the packaged app's copy, never in node_modules/electron (which `npm start`
 * runs from the checkout, not from an asar archive). The studio needs none of what they turn off:
 * it spawns no child process (jobs run in worker threads) and reads no NODE_OPTIONS.
 */
import { FuseState, FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';

const APPRENTICE_FUSES = {
  version: FuseVersion.V1,
  // ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node that runs any script.
  [FuseV1Options.RunAsNode]: false,
  // NODE_OPTIONS (--require, --inspect, ...) and --inspect arguments: code injection on start.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // The app is loaded from app.asar only, and that archive is checked against the hash
  // recorded at packaging (macOS and Windows).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
} as const;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(FuseV1Options).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k]));

async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target || target.startsWith('-')) {
    console.error('usage: npm run fuses -- <path to the packaged Electron binary (or Foo.app)>');
    process.exit(2);
  }
  const file = resolve(target);
  if (!existsSync(file)) {
    console.error(`fuses: ${file} does not exist`);
    process.exit(1);
  }
  if (file.includes(`${sep}node_modules${sep}electron${sep}`)) {
    console.error('fuses: this is the development Electron in node_modules; flip the fuses of the packaged app instead (OnlyLoadAppFromAsar would stop `npm start`)');
    process.exit(1);
  }
  await flipFuses(file, { ...APPRENTICE_FUSES, resetAdHocDarwinSignature: process.platform === 'darwin' && process.arch === 'arm64' });
  // Read them back: the exit code says whether every fuse is as configured.
  const wire = await getCurrentFuseWire(file);
  let ok = true;
  for (const [key, want] of Object.entries(APPRENTICE_FUSES)) {
    if (key === 'version') continue;
    const got = wire[Number(key) as FuseV1Options];
    const match = got === (want ? FuseState.ENABLE : FuseState.DISABLE);
    ok &&= match;
    console.log(`${match ? 'ok ' : 'BAD'} ${NAMES[Number(key)]}: ${want ? 'on' : 'off'}`);
  }
  if (!ok) process.exit(1);
}

await main();
