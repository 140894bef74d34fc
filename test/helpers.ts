import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../server/src/config/index.js';
import { Lab } from '../server/src/lab/index.js';

/** Config for tests: the real scenarios and engine, a throwaway data dir. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-test-'));
  return loadConfig({ ...process.env, FAULTLINE_DATA_DIR: dataDir, ...overrides });
}

export function testLab(overrides: Record<string, string> = {}): Lab {
  return new Lab(testConfig(overrides));
}

/** Write a scenario folder from a map of relative path -> content. */
export function writeScenario(root: string, id: string, files: Record<string, string>): string {
  const dir = path.join(root, id);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

/** Bytes of every file under a folder (a data dir, a recordings dir). */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}
