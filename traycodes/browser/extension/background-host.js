// The background's line to the native host (traycodes browser-host): one connection, the
// token that binds it, requests and their replies, and what the toolbar button says.
// Loaded before background-frames.js and background.js (importScripts in Chromium's
// service worker, the manifest's "scripts" in Firefox).
"use strict";
/* exported api, ask, trace, say, unsay */
/* global closed */

const api = globalThis.browser ?? globalThis.chrome;
const HOST = "traycodes";
const NOT_INSTALLED = "the traycodes host is not installed for this browser: run 'traycodes browser on'";

// One connection to the host, kept while the background lives: a host started once answers
// every request (starting one per request costs ~100 ms). Replies carry the request's id.
let port = null;
let nextId = 1;
const waiting = new Map();

function connect() {
  const opened = api.runtime.connectNative(HOST);
  opened.onMessage.addListener((reply) => {
    const done = reply && waiting.get(reply.rid);
    if (done) {
      waiting.delete(reply.rid);
      done(reply);
    }
  });
  opened.onDisconnect.addListener(() => {
    // why: Chromium says it in lastError, Firefox in the port's error
    const why = (api.runtime.lastError && api.runtime.lastError.message) || (opened.error && opened.error.message) || "";
    if (port === opened) port = null;
    const stranded = [...waiting.values()];
    waiting.clear();
    for (const done of stranded) done({ ok: false, dropped: true, error: hostError(why) });
  });
  return opened;
}

function hostError(why) {
  if (/not found|no such native application/i.test(why)) return NOT_INSTALLED;
  if (/forbidden|not allowed/i.test(why)) {
    return "the traycodes host does not allow this copy of the extension: run 'traycodes browser on'";
  }
  return `the traycodes host stopped${why ? ` (${why})` : ""}: press the shortcut again`;
}

// This install's token, which `traycodes browser path` writes into the copy it makes: the
// host answers nothing without it (another add-on claiming our id has no copy of it).
let token = null;

async function loadToken() {
  if (token === null) {
    try {
      const response = await fetch(api.runtime.getURL("token.json"));
      token = String((await response.json()).token || "");
    } catch {
      token = ""; // the package's own folder loaded: the host says which folder to load
    }
  }
  return token;
}

function send(message, secret) {
  return new Promise((resolve) => {
    const rid = nextId++;
    waiting.set(rid, resolve);
    try {
      if (!port) port = connect();
      port.postMessage({ ...message, rid, token: secret });
    } catch (error) {
      waiting.delete(rid);
      port = null;
      resolve({ ok: false, dropped: true, error: hostError(String((error && error.message) || "")) });
      return;
    }
    setTimeout(() => {
      if (waiting.delete(rid)) resolve({ ok: false, error: "traycodes did not answer" });
    }, 20000);
  });
}

// A request to the host. A connection that closed under the request (the browser ended
// the host, 'browser on' replaced it) is opened anew and the request sent once more.
async function ask(message) {
  const secret = await loadToken();
  const reply = await send(message, secret);
  if (!reply.dropped) return reply;
  trace("the host connection closed:", reply.error, "- asking again");
  const again = await send(message, secret);
  delete again.dropped;
  return again;
}

function trace(...parts) {
  console.warn("traycodes:", ...parts); // the service worker's console (chrome://extensions)
}

// A note where the page cannot show one (a page extensions may not touch, a page that
// arrived after the press took the access away): the toolbar button turns red with "!" and
// says why on hover, and a desktop notification says it too (an unpinned button shows no
// badge): a press is never answered by silence.
async function say(tabId, text) {
  trace(text);
  // a tab closed meanwhile: no note (on the desktop it would read as the next press's answer)
  if (await closed(tabId)) return;
  try {
    await api.action.setBadgeBackgroundColor({ tabId, color: "#b3261e" });
    await api.action.setBadgeText({ tabId, text: "!" });
    await api.action.setTitle({ tabId, title: `traycodes: ${text}` });
  } catch (error) {
    trace("cannot show the note:", String(error));
  }
  try {
    await api.notifications.create(`traycodes-note-${tabId}`, {
      type: "basic",
      iconUrl: api.runtime.getURL("icon-48.png"),
      title: "traycodes",
      message: text,
    });
  } catch (error) {
    trace("cannot show the notification:", String(error));
  }
}

async function unsay(tabId) {
  try {
    await api.action.setBadgeText({ tabId, text: "" });
    await api.action.setTitle({ tabId, title: "traycodes" });
  } catch {
    // the tab closed meanwhile: nothing to take back
  }
}

