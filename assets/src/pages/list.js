// The process list page: models with their active version and draft, and the new-process form.
import { ApiError, createApi } from '../common/api.js';
import { makeTranslate, readPageConfig } from '../common/config.js';
import { errorProblems, errorTitle, formatTime, h, showProblems, showStatus } from '../common/dom.js';

const config = readPageConfig();
const translate = makeTranslate(config.labels);
const api = createApi(config.apiRoot);
const problemsBox = document.getElementById('designer-problems');
const pagePath = window.location.pathname.replace(/\/$/, '');

function describeVersion(version) {
  if (!version) {
    return translate('Not deployed');
  }
  const label = translate('Version %(version)s', { version: version.version });
  return version.note ? `${label} · ${version.note}` : label;
}

function describeDraft(draft) {
  if (!draft) {
    return translate('No draft');
  }
  return translate('Draft saved %(time)s by %(user)s', { time: formatTime(draft.updated_at), user: draft.updated_by });
}

function processRow(process) {
  const base = `${pagePath}/processes/${encodeURIComponent(process.process_id)}`;
  return h(
    'tr',
    { 'data-process': process.process_id },
    h('td', {}, h('code', {}, process.process_id)),
    h('td', {}, process.name || ''),
    h('td', {}, describeVersion(process.active_version)),
    h('td', {}, describeDraft(process.draft)),
    h('td', {}, h('a', { href: base, class: 'open-process' }, translate('Open')), ' · ', h('a', { href: `${base}/versions` }, translate('Versions')))
  );
}

async function loadProcesses() {
  const { processes } = await api.get('/processes');
  const body = document.querySelector('#process-table tbody');
  body.replaceChildren(...processes.map(processRow));
  showStatus(processes.length ? '' : translate('No process models yet.'));
}

async function createProcess(event) {
  event.preventDefault();
  const processId = document.getElementById('new-process-id').value.trim();
  const name = document.getElementById('new-process-name').value.trim();
  showProblems(problemsBox, '', [], null);

  try {
    await api.post('/processes', { process_id: processId, name });
  } catch (error) {
    if (!(error instanceof ApiError)) {
      throw error;
    }
    showProblems(problemsBox, errorTitle(error, translate), errorProblems(error, translate), null);
    return;
  }
  window.location.assign(`${pagePath}/processes/${encodeURIComponent(processId)}`);
}

document.getElementById('new-process').addEventListener('submit', createProcess);
loadProcesses().catch((error) => {
  if (!(error instanceof ApiError)) {
    throw error;
  }
  showProblems(problemsBox, errorTitle(error, translate), errorProblems(error, translate), null);
});
