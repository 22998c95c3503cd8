// The extension's background: the shortcut, the context menu and the popup ask the native
// host (traycodes browser-host) for the codes of the page's site. The page's address is
// always the browser's own (the tab's or the frame's URL), never anything the page says.
"use strict";

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
    if (port === opened) port = null;
    for (const done of waiting.values()) done({ ok: false, error: NOT_INSTALLED });
    waiting.clear();
  });
  return opened;
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

async function ask(message) {
  const secret = await loadToken();
  return new Promise((resolve) => {
    const rid = nextId++;
    waiting.set(rid, resolve);
    try {
      if (!port) port = connect();
      port.postMessage({ ...message, rid, token: secret });
    } catch {
      waiting.delete(rid);
      port = null;
      resolve({ ok: false, error: NOT_INSTALLED });
      return;
    }
    setTimeout(() => {
      if (waiting.delete(rid)) resolve({ ok: false, error: "traycodes did not answer" });
    }, 20000);
  });
}

async function inject(tabId, frameId) {
  await api.scripting.executeScript({
    target: { tabId, frameIds: [frameId] },
    files: ["otpfield.js", "fill.js"],
  });
}

// Fill the page (one frame of it): inject the filler, ask for the site's accounts, hand
// them over. `url` is the frame's address as the browser knows it. `explicit`: the
// context menu (the user chose the field); otherwise only a code field is filled.
async function fillFrame(tabId, frameId, url, explicit = false) {
  try {
    await inject(tabId, frameId);
  } catch {
    return; // a page extensions may not touch (the browser's own pages, the web store)
  }
  const answer = await ask({ type: "codes", url });
  await api.tabs.sendMessage(tabId, { type: "traycodes-fill", answer, explicit }, { frameId });
  hello(); // the shortcut may have been changed since
}

// Tell traycodes this browser has the extension, and its shortcut: the global hotkey then
// hands this browser's windows to the extension (which goes by the page's address).
async function hello() {
  let shortcut = "";
  try {
    const commands = await api.commands.getAll();
    const fill = commands.find((command) => command.name === "fill-code");
    shortcut = (fill && fill.shortcut) || "";
  } catch {
    shortcut = "";
  }
  await ask({ type: "hello", shortcut });
}

api.runtime.onStartup.addListener(hello);

api.runtime.onInstalled.addListener(() => {
  hello();
  api.contextMenus.create({
    id: "fill-code",
    title: "Fill the code here (traycodes)",
    contexts: ["editable"],
  });
});

api.commands.onCommand.addListener((command, tab) => {
  if (command === "fill-code" && tab && tab.id !== undefined && tab.url) {
    fillFrame(tab.id, 0, tab.url);
  }
});

api.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId === "fill-code" && tab && tab.id !== undefined) {
    fillFrame(tab.id, info.frameId || 0, info.frameUrl || info.pageUrl || tab.url, true);
  }
});

api.runtime.onMessage.addListener((message, sender, reply) => {
  if (!message || typeof message.type !== "string") return false;
  if (message.type === "code" && sender.tab) {
    // the in-page chooser: a fresh code for the account picked, for this frame's site only
    ask({ type: "code", url: sender.url || sender.tab.url, id: String(message.id) }).then(reply);
    return true;
  }
  if (message.type === "popup-accounts" && !sender.tab) {
    api.tabs.query({ active: true, currentWindow: true }).then(async ([tab]) => {
      if (!tab || !tab.url) return reply({ ok: false, error: "no page in front" });
      // the extension's own page: every code shown (a content script gets labels first)
      reply({ ...(await ask({ type: "codes", url: tab.url, every: true })), tabId: tab.id });
    });
    return true;
  }
  if (message.type === "popup-fill" && !sender.tab) {
    api.tabs.query({ active: true, currentWindow: true }).then(async ([tab]) => {
      const answer = await ask({ type: "code", url: tab.url, id: String(message.id) });
      if (answer.ok) {
        await inject(tab.id, 0);
        await api.tabs.sendMessage(tab.id, { type: "traycodes-fill", fillCode: answer.code }, { frameId: 0 });
      }
      reply(answer);
    });
    return true;
  }
  if (message.type === "popup-code" && !sender.tab) {
    api.tabs.query({ active: true, currentWindow: true }).then(async ([tab]) => {
      reply(await ask({ type: "code", url: tab.url, id: String(message.id) }));
    });
    return true;
  }
  return false;
});
