// The versions page: deployed versions, activation (rollback), diffs and appeal migration.
import { ApiError, createApi } from '../common/api.js';
import { makeTranslate, readPageConfig } from '../common/config.js';
import { errorProblems, errorTitle, formatTime, h, showProblems, showStatus } from '../common/dom.js';

const config = readPageConfig();
const translate = makeTranslate(config.labels);
const api = createApi(config.apiRoot);
const processPath = `/processes/${encodeURIComponent(config.processId)}`;
const problemsBox = document.getElementById('designer-problems');

let migrationVersion = null;

function reportError(error) {
  if (!(error instanceof ApiError)) {
    throw error;
  }
  showStatus('');
  showProblems(problemsBox, errorTitle(error, translate), errorProblems(error, translate), null);
}

function versionRow(version) {
  const actions = h('td', {});
  if (version.active) {
    actions.append(h('strong', { class: 'active-version' }, translate('Active')));
  } else {
    actions.append(h('button', { type: 'button', class: 'secondary activate', onClick: () => activate(version.version).catch(reportError) }, translate('Activate')));
  }
  actions.append(' ', h('button', { type: 'button', class: 'secondary show-migration', onClick: () => showMigration(version.version).catch(reportError) }, translate('Migration')));

  return h(
    'tr',
    { 'data-version': version.version },
    h('td', {}, String(version.version)),
    h('td', {}, formatTime(version.created_at)),
    h('td', {}, version.created_by || ''),
    h('td', {}, version.note || ''),
    h('td', {}, h('code', {}, (version.content_hash || '').slice(0, 12))),
    actions
  );
}

function fillDiffSelects(versions) {
  const numbers = versions.map((version) => String(version.version));
  for (const [id, pick] of [['diff-from', numbers.length - 2], ['diff-to', numbers.length - 1]]) {
    const select = document.getElementById(id);
    select.replaceChildren(...numbers.map((number) => h('option', { value: number }, number)));
    select.value = numbers[Math.max(pick, 0)] || '';
  }
}

async function loadVersions() {
  const { versions } = await api.get(`${processPath}/versions`);
  const ordered = [...versions].sort((a, b) => a.version - b.version);
  document.querySelector('#version-table tbody').replaceChildren(...ordered.map(versionRow));
  fillDiffSelects(ordered);
}

async function activate(number) {
  await api.post(`${processPath}/versions/${number}/activate`, {});
  await loadVersions();
  showStatus(translate('Version %(version)s is now active.', { version: number }), 'success');
}

function diffLine(line) {
  const kind = line.startsWith('+') && !line.startsWith('+++') ? 'added' : line.startsWith('-') && !line.startsWith('---') ? 'removed' : '';
  return h('span', { class: kind ? `diff-${kind}` : null }, `${line}\n`);
}

function taskList(title, names) {
  if (!names || !names.length) {
    return null;
  }
  return h('div', { class: 'diff-tasks' }, h('h3', {}, title), h('ul', {}, names.map((name) => h('li', {}, String(name)))));
}

async function showDiff(event) {
  event.preventDefault();
  const from = document.getElementById('diff-from').value;
  const to = document.getElementById('diff-to').value;
  const query = new URLSearchParams({ from, to });
  const diff = await api.get(`${processPath}/diff?${query}`);

  const output = document.getElementById('diff-output');
  const tasks = diff.tasks || {};
  const files = (diff.files || []).filter((file) => file.diff);
  output.replaceChildren(
    taskList(translate('Tasks added'), tasks.added) || '',
    taskList(translate('Tasks removed'), tasks.removed) || '',
    taskList(translate('Tasks changed'), tasks.changed) || '',
    ...files.map((file) => h('div', { class: 'diff-file' }, h('h3', {}, file.name), h('pre', { class: 'diff' }, file.diff.split('\n').map(diffLine))))
  );
  if (!files.length) {
    output.append(h('p', { id: 'diff-empty' }, translate('No differences.')));
  }
}

function migrationRow(appeal) {
  const checkbox = h('input', { type: 'checkbox', value: appeal.appeal_id, disabled: !appeal.safe, 'aria-label': appeal.number });
  return h(
    'tr',
    { 'data-appeal': appeal.number, class: appeal.safe ? 'safe' : 'unsafe' },
    h('td', {}, checkbox),
    h('td', {}, appeal.number),
    h('td', {}, String(appeal.from_version)),
    h('td', {}, (appeal.waiting_at || []).join(', ')),
    h('td', {}, appeal.safe ? translate('Safe') : translate('Unsafe')),
    h('td', {}, appeal.reason || '')
  );
}

async function showMigration(number) {
  const { appeals } = await api.get(`${processPath}/versions/${number}/migration`);
  migrationVersion = number;
  document.getElementById('migration').hidden = false;
  document.getElementById('migration-title').textContent = `${translate('Migration')} → ${translate('Version %(version)s', { version: number })}`;
  document.querySelector('#migration-table tbody').replaceChildren(...appeals.map(migrationRow));
  document.getElementById('migrate-selected').disabled = !appeals.some((appeal) => appeal.safe);
  showStatus(appeals.length ? '' : translate('No appeals are waiting on other versions.'));
}

async function migrateSelected() {
  const selected = [...document.querySelectorAll('#migration-table input:checked')].map((input) => Number(input.value));
  const result = await api.post(`${processPath}/versions/${migrationVersion}/migration`, { appeal_ids: selected });
  const count = (value) => (Array.isArray(value) ? value.length : value || 0);
  await showMigration(migrationVersion);
  showStatus(translate('Migrated %(migrated)s appeal(s); refused %(refused)s.', { migrated: count(result.migrated), refused: count(result.refused) }), 'success');
}

document.getElementById('diff-form').addEventListener('submit', (event) => showDiff(event).catch(reportError));
document.getElementById('migrate-selected').addEventListener('click', () => migrateSelected().catch(reportError));
loadVersions().catch(reportError);
