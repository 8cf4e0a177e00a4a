// The README's settings table, generated from the settings groups each app reads (its
// `SETTINGS` in apps/<app>/src/<app>.settings.ts), so that no variable goes undocumented.
//
//   node tools/settings/settings-table.js          exits 1 when README.md is out of date
//   node tools/settings/settings-table.js --write  rewrites README.md's table
//
// It reads the built apps (`npm run build` first); tools/settings/settings-table.spec.ts makes
// the same check from the sources.
const { readdirSync, readFileSync, writeFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '../..');
const README = join(ROOT, 'README.md');
const BEGIN = '<!-- settings:begin -->';
const END = '<!-- settings:end -->';
const APPS = readdirSync(join(ROOT, 'apps')).sort();

const cell = (text) => text.replace(/\|/g, '\\|');

/**
 * One table per group, shared groups first (in the order the apps list them), then each app's
 * own; a variable shared by several groups is shown once, in the first, read by them all.
 * `settingsOf(app)` gives an app's SETTINGS.
 */
function renderTable(settingsOf) {
  const groupsOf = new Map(APPS.map((app) => [app, settingsOf(app)]));
  const appsOfGroup = new Map();
  for (const [app, groups] of groupsOf) {
    if (!Array.isArray(groups) || groups.length === 0) throw new Error(`apps/${app}: its ${app}.settings.ts exports no SETTINGS list`);
    for (const group of groups) appsOfGroup.set(group, [...(appsOfGroup.get(group) ?? []), app]);
  }
  const readers = new Map();
  for (const [group, apps] of appsOfGroup) {
    for (const s of group.settings) readers.set(s.name, new Set([...(readers.get(s.name) ?? []), ...apps]));
  }
  const groups = [...appsOfGroup.keys()];
  const ordered = [...groups.filter((g) => appsOfGroup.get(g).length > 1), ...groups.filter((g) => appsOfGroup.get(g).length === 1)];
  const shown = new Set();
  const lines = [BEGIN, '<!-- Generated from the apps\' *.settings.ts by `npm run settings:table`; edit the definitions, not this table. -->'];
  for (const group of ordered) {
    const rows = group.settings.filter((s) => !shown.has(s.name));
    if (rows.length === 0) continue;
    lines.push('', `**${group.title}**`, '', '| setting | default | read by | meaning |', '|---|---|---|---|');
    for (const s of rows) {
      shown.add(s.name);
      const by = readers.get(s.name);
      const readBy = by.size === APPS.length ? 'every service' : [...by].sort().join(', ');
      lines.push(`| \`${s.name}\` | ${cell(s.defaultText)} | ${readBy} | ${cell(s.description)} |`);
    }
  }
  lines.push('', END);
  return lines.join('\n');
}

/** README.md with its table replaced by `table`. */
function withTable(readme, table) {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${BEGIN} ... ${END} section`);
  return readme.slice(0, begin) + table + readme.slice(end + END.length);
}

function builtSettingsOf(app) {
  const file = join(ROOT, 'apps', app, 'dist', `${app}.settings.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (and give each app a ${app}.settings.ts)`);
  return require(file).SETTINGS;
}

if (require.main === module) {
  const readme = readFileSync(README, 'utf8');
  const expected = withTable(readme, renderTable(builtSettingsOf));
  if (process.argv.includes('--write')) {
    writeFileSync(README, expected);
    console.log(expected === readme ? 'README.md settings table is up to date' : 'README.md settings table rewritten');
  } else if (expected !== readme) {
    console.error('README.md settings table is out of date: run `npm run settings:table`');
    process.exit(1);
  }
}

module.exports = { renderTable, withTable, APPS, README };
