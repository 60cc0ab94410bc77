import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { selectTrainingBackend } from '../backend';
import { buildArchitecture } from '../models';
import { saveModelFiles } from '../model-files';
import { createProject, paletteColor } from '../../store';
import { tempDir } from '../../test-support/fixtures';
import { loadBackbone } from './backbone';
import { zooEntries, type ZooEntry } from './zoo';

let cleanup: () => Promise<void> | void = () => {};
afterEach(() => cleanup());
beforeAll(async () => {
  await selectTrainingBackend({ order: ['wasm'] });
});

const entry = (url: string): ZooEntry => ({
  name: 'tiny', description: 'test', url, featureLayer: 'conv2',
  input: { height: 12, width: 12, channels: 1, layout: 'nhwc', scale: 2 / 255, offset: -1 }, license: 'test',
});

describe('model zoo backbones', () => {
  test('the shipped list is well formed', () => {
    const list = zooEntries();
    expect(list.length).toBeGreaterThan(0);
    for (const e of list) expect(e).toMatchObject({ name: expect.any(String), url: expect.stringMatching(/^https:\/\//), featureLayer: expect.any(String), license: expect.any(String) });
  });

  test('downloads once (from a local server here), then loads from the project as a pooled feature extractor', async () => {
    const t = tempDir();
    const source = join(t.dir, 'served');
    await saveModelFiles(source, buildArchitecture('small-cnn', { height: 12, width: 12, channels: 1, numClasses: 3, seed: 1 }), {
      id: 'tiny', arch: 'small-cnn', classes: ['a', 'b', 'c'], input: { height: 12, width: 12, channels: 1, layout: 'nhwc', scale: 1 / 255 },
      createdAt: '', trainingRunId: '',
    });
    let requests = 0;
    const server: Server = createServer((req, res) => {
      requests++;
      res.end(readFileSync(join(source, req.url!.split('/').pop()!)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tiny/model.json`;
    const handle = createProject(join(t.dir, 'p'), 'classify', [], paletteColor);
    cleanup = () => {
      handle.close();
      server.close();
      t.cleanup();
    };
    const backbone = await loadBackbone(handle.db, handle.paths.dir, 'zoo:tiny', { zoo: [entry(url)] });
    expect(requests).toBe(2); // model.json and weights.bin
    expect(backbone.input).toEqual({ height: 12, width: 12, channels: 1 });
    expect(backbone.featureDim).toBe(64); // conv2's channels, average-pooled
    const again = await loadBackbone(handle.db, handle.paths.dir, 'zoo:tiny', { zoo: [entry(url)] });
    expect(requests).toBe(2); // nothing downloaded the second time
    expect(again.key).toBe(backbone.key);
  });

  test('offline, the error says what happened and how to get the model in by hand', async () => {
    const t = tempDir();
    const handle = createProject(join(t.dir, 'p'), 'classify', [], paletteColor);
    cleanup = () => {
      handle.close();
      t.cleanup();
    };
    // A port on this machine that nothing listens on stands in for an unreachable host.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const err = await loadBackbone(handle.db, handle.paths.dir, 'zoo:tiny', { zoo: [entry(`http://127.0.0.1:${port}/m/model.json`)] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(/Could not download the backbone "tiny".*offline.*copy them into/s) });
    await expect(loadBackbone(handle.db, handle.paths.dir, 'zoo:nope', { zoo: [] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
