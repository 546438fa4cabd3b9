// The modeler page: bpmn-js with our properties panel and lint rules, the bundle's files and
// forms, and the save, deploy, download and upload buttons.
import Modeler from 'bpmn-js/lib/Modeler';
import lintModule from 'bpmn-js-bpmnlint';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';

import { ApiError, createApi } from '../common/api.js';
import { makeTranslate, readPageConfig, translateModule } from '../common/config.js';
import { errorProblems, errorTitle, h, showProblems, showStatus } from '../common/dom.js';
import { buildLintConfig } from '../lint/config.js';
import spiffworkflow from '../moddle/spiffworkflow.json';
import hotlinePropertiesModule from '../properties/index.js';
import { setSpiffProperty } from '../properties/spiff-properties.js';
import { Bundle, definingFile, newDiagramXml } from './bundle.js';
import { FormEditor } from './form-editor.js';

const config = readPageConfig();
const translate = makeTranslate(config.labels);
const api = createApi(config.apiRoot);
const processPath = `/processes/${encodeURIComponent(config.processId)}`;
const bundle = new Bundle();
const problemsBox = document.getElementById('designer-problems');
const fileSelect = document.getElementById('designer-file');

let lintErrors = 0;

const catalog = {
  roles: config.roles,
  appealStatuses: config.appealStatuses,
  clockClasses: config.clockClasses,
  formNames: () => bundle.formNames(),
  openFormEditor: (element, name) => {
    switchTab('forms');
    formEditor.open(name, element);
  },
};

function lintConfig() {
  return buildLintConfig({ roles: config.roles.map((role) => role.code), forms: bundle.formNames() });
}

const modeler = new Modeler({
  container: '#designer-canvas',
  propertiesPanel: { parent: '#designer-properties' },
  additionalModules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    hotlinePropertiesModule,
    lintModule,
    translateModule(translate),
    { hotlineCatalog: ['value', catalog] },
  ],
  moddleExtensions: { spiffworkflow },
  linting: { active: true },
});

const formEditor = new FormEditor({
  api,
  translate,
  previewUrl: config.previewUrl,
  bundle,
  onAccept: acceptForm,
});

modeler.on('linting.completed', ({ issues }) => {
  lintErrors = Object.values(issues).flat().filter((issue) => issue.category === 'error').length;
});

modeler.on('commandStack.changed', ({ trigger }) => {
  if (trigger !== 'clear') {
    showStatus(translate('Unsaved changes'));
  }
});

function switchTab(name) {
  for (const tab of ['diagram', 'forms']) {
    document.getElementById(`tab-${tab}`).setAttribute('aria-selected', String(tab === name));
    document.getElementById(`panel-${tab}`).hidden = tab !== name;
  }
  if (name === 'forms') {
    formEditor.renderList();
  }
}

function reportProblems(problems, title = translate('The request was not sent:')) {
  showProblems(problemsBox, title, problems, selectProblem);
}

function reportError(error) {
  if (!(error instanceof ApiError)) {
    throw error;
  }
  showStatus('');
  reportProblems(errorProblems(error, translate), errorTitle(error, translate));
}

// Put the diagram on screen. Import warnings are kept: bpmn-js still shows what it could read.
async function showFile(name) {
  bundle.current = name;
  fileSelect.value = name;
  try {
    await modeler.importXML(bundle.files[name]);
  } catch (error) {
    reportProblems([{ file: name, message: `${name}: ${error.message}` }], translate('Could not show the diagram:'));
    return;
  }
  modeler.get('canvas').zoom('fit-viewport');
}

async function storeCurrentFile() {
  if (!bundle.current) {
    return;
  }
  const { xml } = await modeler.saveXML({ format: true });
  bundle.files[bundle.current] = xml;
}

async function switchFile(name) {
  await storeCurrentFile();
  await showFile(name);
}

function fillFileSelect() {
  fileSelect.replaceChildren(...Object.keys(bundle.files).sort().map((name) => h('option', { value: name }, name)));
}

async function loadSource() {
  showStatus(translate('Loading…'));
  const formsQuery = new URLSearchParams({ process_id: config.processId });
  const [source, forms] = await Promise.all([api.get(`${processPath}/source`), api.get(`/forms?${formsQuery}`)]);
  bundle.serverForms = forms.forms || {};
  bundle.load(source);
  if (!Object.keys(bundle.files).length) {
    bundle.files[`${config.processId}.bpmn`] = newDiagramXml(config.processId, source.name);
  }

  fillFileSelect();
  modeler.get('linting').setLinterConfig(lintConfig());
  await showFile(definingFile(bundle.files, config.processId));
  formEditor.renderList();
  const loaded = source.source === 'draft' ? translate('Loaded the draft.') : translate('Loaded version %(version)s.', { version: source.version });
  showStatus(loaded);
}

async function selectProblem(problem) {
  if (problem.file && problem.file !== bundle.current && bundle.files[problem.file]) {
    await switchFile(problem.file);
  }
  switchTab('diagram');

  const element = modeler.get('elementRegistry').get(problem.element_id);
  if (element) {
    modeler.get('selection').select(element);
    modeler.get('canvas').scrollToElement(element);
  }
}

async function saveDraft() {
  await storeCurrentFile();
  showStatus(translate('Saving…'));
  reportProblems([]);
  await api.put(`${processPath}/draft`, { files: bundle.files, forms: bundle.forms });
  showStatus(translate('Draft saved.'), 'success');
}

async function deploy() {
  if (lintErrors) {
    reportProblems([{ message: translate('Fix the lint errors in the diagram first.') }]);
    return;
  }

  await saveDraft();
  showStatus(translate('Deploying…'));
  const note = document.getElementById('deploy-note').value.trim();
  const response = await api.post(`${processPath}/versions`, { note });
  showStatus(translate('Deployed version %(version)s.', { version: response.version.version }), 'success');
}

async function download() {
  await storeCurrentFile();
  const blob = new Blob([bundle.files[bundle.current]], { type: 'application/xml' });
  const link = h('a', { href: URL.createObjectURL(blob), download: bundle.current });
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(link.href);
}

async function upload(input) {
  const file = input.files[0];
  if (!file) {
    reportProblems([{ message: translate('Choose a .bpmn file first.') }]);
    return;
  }

  const formData = new FormData();
  formData.append('file', file);
  showStatus(translate('Uploading…'));
  reportProblems([]);
  try {
    await api.upload(`${processPath}/upload`, formData);
  } finally {
    // The same file can be chosen again after a fix.
    input.value = '';
  }
  await loadSource();
  showStatus(translate('Upload accepted; the diagram shows the uploaded file.'), 'success');
}

function acceptForm(name, schema, target) {
  bundle.forms[name] = schema;
  modeler.get('linting').setLinterConfig(lintConfig());
  if (!target) {
    showStatus(translate('Form accepted.'), 'success');
    return;
  }

  setSpiffProperty(target, 'form', name, { bpmnFactory: modeler.get('bpmnFactory'), commandStack: modeler.get('commandStack') });
  switchTab('diagram');
  modeler.get('selection').select(target);
  showStatus(translate('Form accepted and added to this process.'), 'success');
}

// Every button reports a failed request in the problems list and leaves the page usable.
function onClick(id, action) {
  document.getElementById(id).addEventListener('click', () => action().catch(reportError));
}

onClick('designer-save', saveDraft);
onClick('designer-deploy', deploy);
onClick('designer-download', download);
onClick('tab-diagram', async () => switchTab('diagram'));
onClick('tab-forms', async () => switchTab('forms'));
fileSelect.addEventListener('change', () => switchFile(fileSelect.value).catch(reportError));
document.getElementById('designer-upload').addEventListener('change', (event) => upload(event.target).catch(reportError));

// Tests and the browser console reach the modeler through this handle.
window.hotlineModeler = modeler;
loadSource().catch(reportError);
