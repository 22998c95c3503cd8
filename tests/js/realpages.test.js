// The finder on real sites' two-factor markup (tests/js/pages/, sources in its README):
// each page's inputs described the way fill.js describes them, the finder must pick the
// field expected.json names, and nothing else. A small tag reader stands in for the DOM
// (node has none): enough for these minimal pages.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const otp = require(path.join(__dirname, "../../traycodes/browser/extension/otpfield.js"));

const PAGES = path.join(__dirname, "pages");
const VOID = new Set(["input", "br", "img", "meta", "hr", "link"]);

function attributes(text) {
  const found = {};
  for (const m of text.matchAll(/([a-zA-Z_:.-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)) {
    found[m[1].toLowerCase()] = m[2] ?? m[3] ?? m[4] ?? "";
  }
  return found;
}

// The page's inputs as fill.js's describe() gives them (plus the attributes, to name them).
function describePage(html) {
  const stack = []; // open elements: {tag, id, attrs, text}
  const inputs = [];
  const labelsFor = new Map();
  let nextId = 0;
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>|([^<]+)/g)) {
    if (m[4] !== undefined) {
      for (const open of stack) if (open.tag === "label") open.text += m[4];
      continue;
    }
    const tag = m[2].toLowerCase();
    if (m[1]) {
      const at = stack.map((e) => e.tag).lastIndexOf(tag);
      if (at >= 0) {
        const [closed] = stack.splice(at);
        if (tag === "label" && closed.attrs.for) labelsFor.set(closed.attrs.for, closed.text.trim());
        if (tag === "label") for (const input of closed.inputs) input.label = closed.text.trim();
      }
      continue;
    }
    const attrs = attributes(m[3]);
    if (tag === "input") {
      const hidden = "hidden" in attrs || /display:\s*none/.test(attrs.style || "");
      const type = attrs.type || "text";
      const parent = stack.length ? stack[stack.length - 1] : { id: -1 };
      const input = {
        attrs, type, name: attrs.name || "", id: attrs.id || "",
        autocomplete: attrs.autocomplete || "", inputmode: attrs.inputmode || "",
        maxLength: Number(attrs.maxlength) > 0 ? Number(attrs.maxlength) : 0,
        pattern: attrs.pattern || "", placeholder: attrs.placeholder || "", label: "",
        ariaLabel: attrs["aria-label"] || "", visible: !hidden && type !== "hidden",
        enabled: !("disabled" in attrs) && !("readonly" in attrs), group: parent.id,
      };
      inputs.push(input);
      for (const open of stack) if (open.tag === "label") open.inputs.push(input);
    } else if (!VOID.has(tag)) {
      stack.push({ tag, id: nextId++, attrs, text: "", inputs: [] });
    }
  }
  for (const input of inputs) if (!input.label && labelsFor.has(input.id)) input.label = labelsFor.get(input.id);
  return inputs;
}

function matches(input, want) {
  return Object.entries(want).every(([key, value]) => input.attrs[key] === value);
}

const expected = JSON.parse(fs.readFileSync(path.join(PAGES, "expected.json"), "utf8"));

test("at least 15 real sites' pages, each with its expectation", () => {
  const pages = fs.readdirSync(PAGES).filter((name) => name.endsWith(".html"));
  assert.deepEqual(pages.sort(), Object.keys(expected).sort());
  assert.ok(pages.length >= 17);
});

for (const [page, want] of Object.entries(expected)) {
  test(`the code field on ${page}`, () => {
    const fields = describePage(fs.readFileSync(path.join(PAGES, page), "utf8"));
    for (const focused of [-1, ...fields.keys()]) {
      // the shortcut: whichever field has focus, the code goes to the code field only
      const target = otp.chooseTarget(fields, focused);
      assert.ok(target, `${page}: no code field found (focus on ${focused})`);
      if (want.split) {
        assert.equal(target.kind, "split", page);
        const ids = target.indexes.map((i) => fields[i].id);
        if (Array.isArray(want.split)) assert.deepEqual(ids, want.split, page);
        else assert.equal(target.indexes.length, want.split, page);
      } else {
        assert.equal(target.kind, "single", page);
        assert.ok(matches(fields[target.index], want), `${page}: filled ${JSON.stringify(fields[target.index].attrs)}`);
      }
    }
  });
}
