// JSON calls to the designer API with the session cookie and the page's CSRF token.

/** An API call that failed: `status` is 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }

  /** Return the failure as a list of problems in the shape the validation endpoints use. */
  problems() {
    const body = this.body || {};
    if (Array.isArray(body.problems) && body.problems.length) {
      return body.problems;
    }

    const problems = [];
    if (body.message) {
      problems.push({ message: body.message });
    }
    for (const [field, message] of Object.entries(body.fields || {})) {
      problems.push({ message: `${field}: ${message}` });
    }
    return problems;
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : '';
}

async function readBody(response) {
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('application/json')) {
    return response.json();
  }
  return response.text();
}

/** Send a request and return the parsed body; raise ApiError for any status outside 2xx. */
export async function request(url, { method = 'GET', json, formData } = {}) {
  const headers = { Accept: 'application/json', 'X-CSRFToken': csrfToken() };
  let body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (formData) {
    body = formData;
  }

  let response;
  try {
    response = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch (error) {
    throw new ApiError(0, null);
  }

  const data = await readBody(response);
  if (!response.ok) {
    throw new ApiError(response.status, typeof data === 'object' ? data : null);
  }
  return data;
}

/** Return helpers for the API under `root`, e.g. /api/v1/designer. */
export function createApi(root) {
  const url = (path) => root + path;
  return {
    get: (path) => request(url(path)),
    post: (path, json) => request(url(path), { method: 'POST', json }),
    put: (path, json) => request(url(path), { method: 'PUT', json }),
    upload: (path, formData) => request(url(path), { method: 'POST', formData }),
  };
}
