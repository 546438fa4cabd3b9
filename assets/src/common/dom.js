// Small DOM helpers. Text always goes in through textContent, never as HTML, because
// element names, notes and messages may come from anyone who can edit a diagram.

/** Create an element with attributes and children (strings become text nodes). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return element;
}

/** Format an ISO 8601 instant in Asia/Shanghai time, as every page of the app shows times. */
export function formatTime(iso) {
  const instant = new Date(iso);
  if (!iso || Number.isNaN(instant.getTime())) {
    return iso || '';
  }
  const options = { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' };
  return instant.toLocaleString(document.documentElement.lang || undefined, options);
}

/** Show a status line; `kind` is '', 'success' or 'error'. */
export function showStatus(text, kind = '') {
  const status = document.getElementById('designer-status');
  if (!status) {
    return;
  }
  status.textContent = text;
  status.className = kind ? `status-${kind}` : '';
}

/**
 * Fill a problems box (a title paragraph and a list) or hide it when `problems` is empty.
 *
 * Each problem is {stage, file, element_id, line, code, message}; only message is required.
 * The server's messages already name the file, line and element. With `onSelect`, problems
 * that name an element become buttons that call it.
 */
export function showProblems(box, title, problems, onSelect) {
  const list = box.querySelector('ul');
  list.replaceChildren();
  box.hidden = !problems.length;
  box.querySelector('.problems-title').textContent = title;

  for (const problem of problems) {
    const text = problem.message || problem.code || '';
    const item = h('li', { 'data-element-id': problem.element_id || null, 'data-code': problem.code || null });

    if (onSelect && problem.element_id) {
      item.append(h('button', { type: 'button', class: 'link problem-link', onClick: () => onSelect(problem) }, text));
    } else {
      item.append(text);
    }
    list.append(item);
  }
}

/** Return the title to show above the problems of a failed request. */
export function errorTitle(error, translate) {
  return (error.body && error.body.message) || translate('The server did not accept the request:');
}

/** Describe an ApiError as the user's problem list. */
export function errorProblems(error, translate) {
  if (error.status === 0) {
    return [{ message: translate('The server could not be reached; nothing was changed.') }];
  }
  const problems = error.problems();
  return problems.length ? problems : [{ message: translate('Request failed with HTTP status %(status)s.', { status: error.status }) }];
}
