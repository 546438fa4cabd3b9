// Page settings that the server embeds as JSON, and the lookup of translated strings.

/** Read the JSON settings the server put into <script id="designer-config">. */
export function readPageConfig() {
  return JSON.parse(document.getElementById('designer-config').textContent);
}

/**
 * Build a translate function over the server's table of strings keyed by English text.
 *
 * Placeholders are filled in both styles in use: `{name}` (bpmn-js) and `%(name)s` (Babel).
 */
export function makeTranslate(labels) {
  return function translate(text, replacements = {}) {
    const template = Object.prototype.hasOwnProperty.call(labels, text) ? labels[text] : text;
    return template.replace(/\{([^}]+)\}|%\((\w+)\)s/g, (match, braced, python) => {
      const key = braced || python;
      return Object.prototype.hasOwnProperty.call(replacements, key) ? String(replacements[key]) : match;
    });
  };
}

/** Return a bpmn-js module that replaces the `translate` service with `translate`. */
export function translateModule(translate) {
  return { translate: ['value', translate] };
}
