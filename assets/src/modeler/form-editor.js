// The form editor tab: a JSON Schema textarea, a server-rendered preview and the server check.
import { ApiError, request } from '../common/api.js';
import { errorProblems, errorTitle, h, showProblems } from '../common/dom.js';

const FORM_NAME = /^[A-Za-z0-9_-]+\.json$/;
const PREVIEW_DELAY_MS = 300;

// Starting point for a new form; the labels fall back to English until zh_CN is added.
function newSchema(title) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title,
    type: 'object',
    additionalProperties: false,
    required: ['comment'],
    properties: {
      comment: { type: 'string', minLength: 2, maxLength: 2000, 'x-widget': 'textarea' },
    },
    'x-labels': { en: { comment: 'Comment' } },
  };
}

export class FormEditor {
  /**
   * `bundle` contains the forms, and `onAccept(name, schema, target)` runs after the server accepted
   * a form, where `target` is the task element the editor was opened for, if any.
   */
  constructor({ api, translate, previewUrl, bundle, onAccept }) {
    this.api = api;
    this.translate = translate;
    this.previewUrl = previewUrl;
    this.bundle = bundle;
    this.onAccept = onAccept;
    this.target = null;
    this.previewSequence = 0;
    this.previewTimer = null;

    this.nameInput = document.getElementById('form-name');
    this.schemaInput = document.getElementById('form-schema');
    this.targetNote = document.getElementById('form-target');
    this.problemsBox = document.getElementById('form-problems');
    this.preview = document.getElementById('form-preview');

    this.schemaInput.addEventListener('input', () => this.schedulePreview());
    document.getElementById('form-accept').addEventListener('click', () => this.accept());
    document.getElementById('form-new').addEventListener('click', () => this.open(null, null));
  }

  /** Show the list of forms; each entry opens that form. */
  renderList() {
    const list = document.getElementById('form-list');
    list.replaceChildren(
      ...this.bundle.formNames().map((name) =>
        h('li', {}, h('button', { type: 'button', class: 'link', 'data-form': name, onClick: () => this.open(name, null) }, name))
      )
    );
  }

  /** Open a form by name, or a new form when `name` is null; `target` is the task to attach it to. */
  open(name, target) {
    this.target = target;
    this.editing = name;
    const schema = name ? this.bundle.formSchema(name) : newSchema(target ? target.businessObject.name || '' : '');

    this.nameInput.value = name || (target ? `${target.id}.json` : '');
    this.nameInput.readOnly = Boolean(name);
    this.schemaInput.value = JSON.stringify(schema, null, 2);
    this.targetNote.hidden = !target;
    this.targetNote.textContent = target ? `${this.translate('User task')}: ${target.id}` : '';
    this.showProblems([]);
    this.renderList();
    this.refreshPreview();
  }

  showProblems(problems, title = this.translate('The form was not accepted:')) {
    showProblems(this.problemsBox, title, problems, null);
  }

  parseSchema() {
    try {
      return JSON.parse(this.schemaInput.value);
    } catch (error) {
      this.showProblems([{ message: `${this.translate('The schema is not valid JSON:')} ${error.message}` }]);
      return undefined;
    }
  }

  schedulePreview() {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => this.refreshPreview(), PREVIEW_DELAY_MS);
  }

  // The server renders the preview with the task page's template. The frame is sandboxed
  // without scripts, so even a rendering mistake cannot run code in the designer page.
  async refreshPreview() {
    const schema = this.parseSchema();
    if (schema === undefined) {
      return;
    }

    const sequence = ++this.previewSequence;
    try {
      const html = await request(this.previewUrl, { method: 'POST', json: { schema } });
      if (sequence === this.previewSequence) {
        this.preview.srcdoc = html;
        this.showProblems([]);
      }
    } catch (error) {
      if (sequence === this.previewSequence && error instanceof ApiError) {
        this.showProblems(errorProblems(error, this.translate), this.translate('The preview failed:'));
      }
    }
  }

  async accept() {
    const name = this.nameInput.value.trim();
    if (!FORM_NAME.test(name)) {
      this.showProblems([{ message: this.translate('Form file name must end in .json and use only letters, digits, _ and -.') }]);
      return;
    }
    if (!this.editing && this.bundle.formNames().includes(name)) {
      this.showProblems([{ message: this.translate('A form with this name already exists.') }]);
      return;
    }

    const schema = this.parseSchema();
    if (schema === undefined) {
      return;
    }

    try {
      await this.api.post('/forms/check', { name, schema });
    } catch (error) {
      if (error instanceof ApiError) {
        this.showProblems(errorProblems(error, this.translate), errorTitle(error, this.translate));
        return;
      }
      throw error;
    }

    this.showProblems([]);
    this.editing = name;
    this.nameInput.readOnly = true;
    this.renderList();
    this.onAccept(name, schema, this.target);
  }
}
