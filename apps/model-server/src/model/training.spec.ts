import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { APP_ROOT } from '../config';

describe('tools/train-iris', () => {
  it('reproduces the shipped models/iris/model.json', () => {
    const out = execFileSync(process.execPath, [join(APP_ROOT, 'tools/train-iris/train.js'), '--check'], { encoding: 'utf8' });
    expect(out).toContain('up to date');
  });
});
