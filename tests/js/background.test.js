// background.js against a fake browser (node has none): the extension's own decisions,
// checked where an attacking page could steer them. The fake records what the background
// asks the host and which pages' scripts it runs; the page's own answers are scripted.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

// the background's scripts in the order Firefox's manifest lists them (Chromium's worker
// loads the first two with importScripts, which node's context lacks)
const SOURCES = ["background-host.js", "background-frames.js", "background.js"].map((name) =>
  fs.readFileSync(path.join(__dirname, "../../traycodes/browser/extension", name), "utf8"));

function event() {
  const listeners = [];
  return {
    listeners,
    addListener: (listener) => listeners.push(listener),
    fire: (...args) => Promise.all(listeners.map((listener) => listener(...args))),
  };
}

// A browser with one tab at `url`: `page` answers the scripts run in it
// ({origin, probe: [{frameId, result}], frames: [origin]}); `host(request)`, the host.
function fakeBrowser({ url, page, host }) {
  const asked = []; // what the host was asked, in order
  const granted = new Set();
  const delivered = [];
  const said = []; // the notes on the desktop
  const portMessage = event();
  const chrome = {
    runtime: {
      connectNative: () => ({
        onMessage: portMessage,
        onDisconnect: event(),
        postMessage: (message) => {
          asked.push(message);
          Promise.resolve().then(() => portMessage.fire({ ...host(message), rid: message.rid }));
        },
      }),
      getURL: (name) => `chrome-extension://id/${name}`,
      onStartup: event(),
      onInstalled: event(),
      onMessage: event(),
      lastError: undefined,
    },
    commands: { onCommand: event(), getAll: async () => [] },
    contextMenus: { create: () => {}, onClicked: event() },
    action: { setBadgeBackgroundColor: async () => {}, setBadgeText: async () => {}, setTitle: async () => {} },
    notifications: { create: async (id, note) => { said.push(note.message); } },
    permissions: {
      onAdded: event(),
      onRemoved: event(),
      contains: async ({ origins }) => origins.every((origin) => granted.has(origin)),
      getAll: async () => ({ origins: [...granted] }),
      remove: async ({ origins }) => origins.forEach((origin) => granted.delete(origin)),
      request: async ({ origins }) => {
        origins.forEach((origin) => granted.add(origin)); // the user said yes
        await chrome.permissions.onAdded.fire({ origins });
        return true;
      },
    },
    scripting: {
      registered: [],
      executeScript: async ({ target, files, func }) => {
        if (files) return [];
        const source = String(func);
        if (target.allFrames) return page.probe;
        if (source.includes("querySelectorAll")) return [{ frameId: 0, result: page.frames }];
        return [{ frameId: target.frameIds[0], result: page.origin }];
      },
      getRegisteredContentScripts: async () => chrome.scripting.registered,
      unregisterContentScripts: async () => { chrome.scripting.registered = []; },
      registerContentScripts: async (scripts) => { chrome.scripting.registered = scripts; },
    },
    tabs: {
      get: async () => ({ id: 1, url: page.now || url, status: "complete" }),
      query: async () => [{ id: 1, url, status: "complete" }],
      sendMessage: async (tabId, message, options) => { delivered.push({ message, options }); },
    },
  };
  // time runs fast: a short wait is the next turn, a clock read 50 ms later
  let clock = 0;
  const timers = {
    setTimeout: (fn, ms) => {
      if (ms < 1000) return setImmediate(fn);
      const timer = setTimeout(fn, ms);
      timer.unref();
      return timer;
    },
    Date: { now: () => (clock += 50) },
  };
  const context = vm.createContext({
    chrome, console: { warn: () => {} }, URL, Promise, Map, Set, ...timers,
    fetch: async () => ({ json: async () => ({ token: "t" }) }),
  });
  for (const source of SOURCES) vm.runInContext(source, context);
  const tab = { id: 1, url, status: "complete" };
  return { chrome, asked, granted, delivered, said, tab };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
async function until(check) {
  for (let i = 0; i < 200 && !check(); i++) await settle();
}

test("a frame's access asked for by a page is not the site filled on its own", async () => {
  // evil.test frames bank.test (which traycodes has an account for): the first press says
  // the code field is in bank.test's frame, the next asks the browser for bank.test. That
  // lets the press fill the frame; it must not enrol bank.test for filling with no press.
  const allowed = new Set(); // the host's list of sites filled on their own
  const browser = fakeBrowser({
    url: "https://evil.test/",
    page: {
      origin: "https://evil.test",
      probe: [{ frameId: 0, result: { field: false, focus: false } }],
      frames: ["https://bank.test"],
    },
    host: (request) => {
      if (request.type === "allow") allowed.add(request.site);
      if (request.type !== "codes") return { ok: true };
      if (request.auto && !allowed.has(new URL(request.url).origin)) return { ok: false, off: true };
      return { ok: true, site: new URL(request.url).host, accounts: [{ id: "a", label: "Bank", code: "123456" }] };
    },
  });
  await browser.chrome.commands.onCommand.fire("fill-code", browser.tab);
  await until(() => browser.delivered.length > 0);
  assert.match(browser.delivered[0].message.answer.error, /frame of bank\.test/);
  await browser.chrome.commands.onCommand.fire("fill-code", browser.tab);
  await until(() => browser.granted.has("https://bank.test/*") && browser.delivered.length > 1);
  await until(() => false); // whatever the background does next, done
  assert.ok(browser.granted.has("https://bank.test/*"), "the frame's access was given");
  assert.deepEqual(browser.asked.filter((request) => request.type === "allow"), []);
  // bank.test's own page, its code field drawn: nothing is filled there without a press
  const before = browser.delivered.length;
  const sender = { tab: { id: 1 }, frameId: 0, url: "https://bank.test/login" };
  await browser.chrome.runtime.onMessage.fire({ type: "auto-fill" }, sender, () => {});
  await until(() => !browser.granted.has("https://bank.test/*"));
  await until(() => false);
  assert.equal(browser.delivered.length, before, "a code went to bank.test with no press");
});

test("a chooser's pick is answered by its own frame's address only, never the tab's", async () => {
  const browser = fakeBrowser({
    url: "https://bank.test/",
    page: { origin: "https://bank.test", probe: [], frames: [] },
    host: () => ({ ok: true, code: "123456" }),
  });
  const pick = (sender) => new Promise((resolve) => {
    browser.chrome.runtime.onMessage.listeners[0]({ type: "code", id: "a".repeat(32) }, sender, resolve);
  });
  const framed = await pick({ tab: { id: 1, url: "https://bank.test/" }, frameId: 4, url: "https://evil.test/x" });
  assert.equal(framed.code, "123456");
  assert.equal(browser.asked.at(-1).url, "https://evil.test/x");
  const before = browser.asked.length;
  // a sender the browser gives no address for: not the tab's page around it
  const answer = await pick({ tab: { id: 1, url: "https://bank.test/" }, frameId: 4 });
  assert.equal(answer.ok, false);
  assert.equal(browser.asked.length, before);
});

test("a press on a page that is navigating away fills nothing where it arrives", async () => {
  // the user presses on evil.test, which has just sent its tab to bank.test's page that
  // confirms a payment (a site the extension may enter): the press was on evil.test's
  // page, so bank.test's page, arrived after it, gets no code of that press
  const browser = fakeBrowser({
    url: "https://evil.test/",
    page: { origin: "https://bank.test", now: "https://bank.test/confirm", probe: [], frames: [] },
    host: (request) => request.type === "codes"
      ? { ok: true, site: new URL(request.url).host, accounts: [{ id: "a", label: "Bank", code: "123456" }] }
      : { ok: true },
  });
  browser.granted.add("https://bank.test/*");
  const tab = { id: 1, url: "https://evil.test/", pendingUrl: "https://bank.test/confirm", status: "loading" };
  await browser.chrome.commands.onCommand.fire("fill-code", tab);
  await until(() => browser.said.length > 0);
  assert.deepEqual(browser.asked.filter((request) => request.type === "codes"), []);
  assert.deepEqual(browser.delivered, []);
  assert.match(browser.said[0], /cannot fill this page/);
});

test("a press on a new tab still opening a page fills that page as it arrives", async () => {
  const browser = fakeBrowser({
    url: "https://bank.test/login",
    page: {
      origin: "https://bank.test",
      probe: [{ frameId: 0, result: { field: true, focus: true } }],
      frames: [],
    },
    host: (request) => request.type === "codes"
      ? { ok: true, site: new URL(request.url).host, accounts: [{ id: "a", label: "Bank", code: "123456" }] }
      : { ok: true },
  });
  browser.granted.add("https://bank.test/*");
  const tab = { id: 1, url: "", pendingUrl: "https://bank.test/login", status: "loading" };
  await browser.chrome.commands.onCommand.fire("fill-code", tab);
  await until(() => browser.delivered.length > 0);
  assert.equal(browser.delivered[0].message.url, "https://bank.test/login");
  assert.equal(browser.delivered[0].message.answer.accounts[0].code, "123456");
});
