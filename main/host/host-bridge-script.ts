/**
 * The source of `/host-bridge.js`: the browser host's stand-in for the Electron preload. It defines
 * `window.lifescore` (a `LifescoreBridge`) with one function per API method over `POST /bridge/<method>` and
 * `onEvent` over the SSE stream `GET /bridge/events`.
 *
 * The per-run key arrives once as `?k=` in the URL the host prints; the script moves it into sessionStorage
 * and strips it from the address bar (so it is not bookmarked, copied or sent as a Referer). It goes out as a
 * custom header on calls (a custom header also forces a CORS preflight, which other sites cannot pass), and as
 * a query parameter on the event stream because EventSource cannot set headers.
 */

/** Name of the header carrying the per-run key on bridge calls. */
export const HOST_KEY_HEADER = 'x-lifescore-key';
/** sessionStorage slot for the key (survives reloads of the tab, not a new tab). */
export const HOST_KEY_STORAGE = 'lifescore.hostKey';

/** Renders the classic (non-module) script; it must run before the app's module script. */
export function renderHostBridgeScript(methods: readonly string[]): string {
  return `// LifeScore browser-host bridge: window.lifescore over HTTP (generated from common/api.ts).
(function () {
  'use strict';
  var METHODS = ${JSON.stringify(methods)};
  var KEY_HEADER = ${JSON.stringify(HOST_KEY_HEADER)};
  var KEY_STORAGE = ${JSON.stringify(HOST_KEY_STORAGE)};
  var key = null;
  try {
    var here = new URL(window.location.href);
    var fromUrl = here.searchParams.get('k');
    if (fromUrl) {
      key = fromUrl;
      try { window.sessionStorage.setItem(KEY_STORAGE, fromUrl); } catch (e) { /* storage disabled: keep it in memory */ }
      here.searchParams.delete('k');
      window.history.replaceState(window.history.state, '', here.pathname + here.search + here.hash);
    } else {
      key = window.sessionStorage.getItem(KEY_STORAGE);
    }
  } catch (e) { key = null; }

  function failure(code, message) { return { ok: false, error: { code: code, message: message } }; }

  function call(method, input) {
    if (!key) {
      return Promise.resolve(failure('forbidden', 'This page was opened without the app key. Open the link the app printed when it started.'));
    }
    var headers = { 'content-type': 'application/json' };
    headers[KEY_HEADER] = key;
    return fetch('/bridge/' + method, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(input === undefined ? {} : input),
      cache: 'no-store',
      credentials: 'omit'
    }).then(function (res) {
      return res.json().then(function (body) {
        if (body && typeof body === 'object' && typeof body.ok === 'boolean') return body;
        return failure('internal', 'The app answered with HTTP ' + res.status + '.');
      }, function () {
        return failure('internal', 'The app answered with HTTP ' + res.status + '.');
      });
    }, function () {
      return failure('internal', 'The app is not reachable. Is it still running? Start it again and reload this page.');
    });
  }

  var listeners = [];
  var source = null;
  function deliver(message) {
    var event;
    try { event = JSON.parse(message.data); } catch (e) { return; }
    listeners.slice().forEach(function (listener) {
      try { listener(event); } catch (err) { console.error('lifescore event listener failed', err); }
    });
  }
  function connect() {
    if (source || !key || typeof EventSource === 'undefined') return;
    source = new EventSource('/bridge/events?k=' + encodeURIComponent(key));
    source.onmessage = deliver;
  }

  var bridge = {};
  METHODS.forEach(function (method) {
    bridge[method] = function (input) { return call(method, input); };
  });
  bridge.onEvent = function (listener) {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    listeners.push(listener);
    connect();
    return function () {
      var i = listeners.indexOf(listener);
      if (i >= 0) listeners.splice(i, 1);
    };
  };
  Object.defineProperty(window, 'lifescore', { value: Object.freeze(bridge), enumerable: true });
  // Tells the renderer it runs in a browser tab, where it opens external links itself.
  Object.defineProperty(window, 'lifescoreHost', { value: 'browser', enumerable: true });
})();
`;
}
