// Reaching the page's frames: waiting out a page still opening, injecting the fill script
// into the frame that wants a code, asking for access to frames of other sites, and
// clearing a copied code. Loaded after background-host.js, before background.js.
"use strict";
/* global api, ask, trace, say, unsay, hello, siteOf */
/* exported sleep, reach, deliver, fillFrame, askForFrames, framePresses, clearLater, forFrames, closed */

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// What waiting does not cure: the browser's own pages, the web store, an error page
const NEVER = /chrome:\/\/|gallery|cannot be scripted|error page/i;

const DENIED = /must request permission|cannot access/i;

// Whether the tab's navigation is over and its page is at `origin`, or is a page this
// extension may not even read the address of (no access to that site, none from a press).
async function arrived(tabId, origin) {
  try {
    const tab = await api.tabs.get(tabId);
    if (tab.status !== "complete" || tab.pendingUrl) return false;
    return !tab.url || new URL(tab.url).origin === origin;
  } catch {
    return false;
  }
}

// A tab the user closed while its press was being answered: nobody left to answer (a note
// then would land on the desktop, where it reads as the answer to the next page's press).
async function closed(tabId) {
  try {
    await api.tabs.get(tabId);
    return false;
  } catch {
    return true;
  }
}

async function inject(tabId, frameId) {
  await api.scripting.executeScript({
    target: { tabId, frameIds: [frameId] },
    files: ["otpfield.js", "fill.js"],
  });
}

// The frame's origin, if its document has the filler (a press on a page just opening may
// inject into the tab's empty first document and read the page that replaced it).
async function originOf(tabId, frameId) {
  const [found] = await api.scripting.executeScript({
    target: { tabId, frameIds: [frameId] },
    func: () => (globalThis.traycodesFill ? location.origin : "a document without the filler"),
  });
  return found ? found.result : null;
}

// Inject into the frame once it shows `url`'s site, waiting out a frame that is still
// being set up or navigating (a press on a page just opened: the tab's first empty
// document, a navigation not yet committed) for up to five seconds; then the error is
// thrown (and said). The filler checks the origin again when the answer comes.
async function reach(tabId, frameId, url) {
  const wanted = new URL(url).origin;
  const until = Date.now() + 5000;
  for (let attempt = 1; ; attempt++) {
    let why;
    try {
      await inject(tabId, frameId);
      const origin = await originOf(tabId, frameId);
      if (origin === wanted) {
        if (attempt > 1) trace(`the page took the filler at attempt ${attempt}`);
        return;
      }
      why = `the frame shows ${origin}, not yet ${wanted}`;
    } catch (error) {
      why = String((error && error.message) || error);
      if (NEVER.test(why) || (await closed(tabId))) throw new Error(why);
      if (frameId === 0 && DENIED.test(why) && (await arrived(tabId, wanted))) {
        throw new Error(why); // the page is there and no access came with it: waiting won't help
      }
    }
    if (Date.now() > until) throw new Error(why);
    trace(`the page is not ready (${why}): trying again`);
    await sleep(100);
  }
}

// Hand the page its message; a document replaced since the injection gets the filler anew.
async function deliver(tabId, frameId, message) {
  try {
    await api.tabs.sendMessage(tabId, message, { frameId });
  } catch (error) {
    trace("the page did not take the message:", String(error), "- injecting again");
    await reach(tabId, frameId, message.url);
    await api.tabs.sendMessage(tabId, message, { frameId });
  }
}

// Fill the page (one frame of it): inject the filler, ask for the site's accounts, hand
// them over. `url` is the frame's address as the browser knows it (the filler checks that
// its document is still at that origin). `explicit`: the context menu (the user chose the
// field); otherwise only a code field is filled. Every press ends in a fill or a note: on
// the page when it can be reached, else on the toolbar button.
async function fillFrame(tabId, frameId, url, explicit = false) {
  await unsay(tabId);
  try {
    try {
      await reach(tabId, frameId, url);
    } catch (error) {
      if (await closed(tabId)) return trace("the tab closed before its fill:", error.message);
      // a press before the page's navigation committed: the browser granted access to the
      // tab's previous document, not to the page that then arrived
      // (unless the user allowed this site: then its pages are reachable when they arrive)
      const early = DENIED.test(error.message);
      await say(tabId, early
        ? `the page was still opening when the shortcut was pressed: press it again, or ` +
          `let traycodes fill ${siteOf(url) || "this site"} on its own (its list, Alt+Shift+Y) ` +
          "to fill at the first press"
        : `cannot fill this page (${error.message})`);
      return;
    }
    const frame = explicit ? frameId : await codeFrame(tabId, frameId, url);
    if (frame === null) {
      const hosts = askingFrames.get(tabId).origins.map((origin) => new URL(origin).host).join(", ");
      const error = `the code field is in a frame of ${hosts}: press the shortcut again to let ` +
        "traycodes fill there (your browser asks you once)";
      await deliver(tabId, frameId, { type: "traycodes-fill", answer: { ok: false, error }, url });
    } else if (frame !== frameId) {
      await pressFrame(tabId, frame, url);
    } else {
      const answer = await ask({ type: "codes", url });
      await deliver(tabId, frameId, { type: "traycodes-fill", answer, explicit, url });
    }
  } catch (error) {
    const why = String((error && error.message) || error);
    if (await closed(tabId)) return trace("the tab closed before its fill:", why);
    await say(tabId, `the fill failed: ${why}`);
    return;
  }
  hello().catch((error) => trace("hello:", String(error))); // the shortcut may have changed
}

// The shortcut's frame: the code step may be in a frame of another origin (Apple's sign-in
// runs in an idmsa.apple.com frame inside appleid.apple.com). Each frame the browser lets
// us reach says whether it has a code field and the keyboard: the frame with both, else
// `top` if it has a code field, else the first frame that has one, else `top`. activeTab
// reaches the page's own origin only: with no code field there, the user is asked (once
// per site, by the browser) to let the extension into the page's https frames of other
// origins; which account a frame gets is still decided by its own address. null: the
// user is to be asked (askingFrames), on the next press.
async function codeFrame(tabId, top, url) {
  const found = await probe(tabId);
  if (!found.some((frame) => frame.result && frame.result.field)) {
    const origins = await framesElsewhere(tabId, top);
    if (origins.length) {
      askingFrames.set(tabId, { url, origins });
      return null;
    }
  }
  const fields = found.filter((frame) => frame.result && frame.result.field);
  const chosen = fields.find((frame) => frame.result.focus) ||
    fields.find((frame) => frame.frameId === top) || fields[0];
  return chosen ? chosen.frameId : top;
}

async function probe(tabId) {
  try {
    const target = { tabId, allFrames: true };
    await api.scripting.executeScript({ target, files: ["otpfield.js", "fill.js"] });
    return await api.scripting.executeScript({ target, func: () => globalThis.traycodesProbe() });
  } catch (error) {
    trace("the frames were not searched:", String((error && error.message) || error));
    return [];
  }
}

// The https origins of the page's visible frames that the extension may not enter yet and
// that traycodes has an account for (the page names them: they only say which permission
// to ask for, never which account a frame gets).
async function framesElsewhere(tabId, top) {
  let origins = [];
  try {
    const [found] = await api.scripting.executeScript({
      target: { tabId, frameIds: [top] },
      func: () => Array.from(document.querySelectorAll("iframe, frame"))
        .filter((frame) => frame.getClientRects().length > 0)
        .map((frame) => { try { return new URL(frame.src).origin; } catch { return ""; } })
        .filter((origin) => origin.startsWith("https://") && origin !== location.origin),
    });
    origins = [...new Set((found && found.result) || [])];
  } catch (error) {
    trace("the page's frames were not listed:", String((error && error.message) || error));
  }
  const missing = [];
  for (const origin of origins) {
    if (await api.permissions.contains({ origins: [`${origin}/*`] })) continue;
    const answer = await ask({ type: "codes", url: `${origin}/` });
    if (answer.ok && answer.accounts.length > 0) missing.push(origin);
  }
  return missing;
}

// Tabs whose last press found the code step in frames the extension may not enter yet:
// tab id -> {url, origins}. The next press there asks the browser's own question, while
// the press is still a user gesture (the browser asks nothing after an await).
const askingFrames = new Map();
// The sites asked for here: their access lets a press fill their frames, and never makes
// them sites filled on their own (permissions.onAdded leaves them off the host's list).
const forFrames = new Set();

function askForFrames(tab) {
  const waiting = askingFrames.get(tab.id);
  askingFrames.delete(tab.id);
  if (!waiting || waiting.url !== tab.url) return false;
  waiting.origins.forEach((origin) => forFrames.add(origin));
  api.permissions.request({ origins: waiting.origins.map((origin) => `${origin}/*`) })
    .catch((error) => trace("the frames' permission was not asked:", String(error)))
    .then(() => fillFrame(tab.id, 0, tab.url));
  return true;
}

// Presses waiting for their frame's request (frame-codes): "tab:frame" -> when pressed.
const framePresses = new Map();

// The shortcut's press handed to a frame other than the page: the frame asks for its own
// site's accounts (frame-codes), so the browser names its address, not the page's.
async function pressFrame(tabId, frameId, url) {
  framePresses.set(`${tabId}:${frameId}`, Date.now());
  await api.tabs.sendMessage(tabId, { type: "traycodes-press", top: new URL(url).host }, { frameId });
}

// The popup's Copy: the code is cleared from the clipboard after `seconds` if the clipboard
// still holds it (never what the user copied since), as the app does. The popup closes at
// once: Chromium's worker has no clipboard, so an offscreen document (clipboard.html)
// waits and clears; Firefox's background is a page and does it itself.
async function clearLater(code, seconds) {
  if (!code || !(seconds > 0)) return;
  if (!api.offscreen) {
    setTimeout(() => globalThis.traycodesClipboard.clearIfHolding(code), seconds * 1000);
    return;
  }
  try {
    if (!(await api.offscreen.hasDocument())) {
      await api.offscreen.createDocument({
        url: "clipboard.html",
        reasons: ["CLIPBOARD"],
        justification: "clear a copied two-factor code from the clipboard after the app's time",
      });
    }
    await api.runtime.sendMessage({ type: "clipboard-clear-later", code, seconds });
  } catch (error) {
    trace("the clipboard will not be cleared:", String((error && error.message) || error));
  }
}

