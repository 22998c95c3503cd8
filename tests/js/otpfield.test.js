// The extension's field finding (traycodes/browser/extension/otpfield.js), run by node's
// own test runner: `node --test tests/js/` (tests/unit/test_extension.py runs it).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const otp = require(path.join(__dirname, "../../traycodes/browser/extension/otpfield.js"));

function field(overrides) {
  return { type: "text", name: "", id: "", autocomplete: "", inputmode: "", maxLength: 0,
    placeholder: "", label: "", ariaLabel: "", visible: true, enabled: true, group: "form",
    ...overrides };
}

test("autocomplete=one-time-code wins over everything", () => {
  const fields = [field({ name: "username" }), field({ name: "code", maxLength: 6 }),
    field({ autocomplete: "one-time-code" })];
  assert.deepEqual(otp.chooseTarget(fields, -1), { kind: "single", index: 2 });
});

test("names, ids and labels that say OTP", () => {
  for (const hint of [{ name: "otp" }, { id: "totp_code" }, { name: "app_otp" },
    { label: "Authentication code" }, { placeholder: "6-digit code" }, { name: "mfaCode" },
    { ariaLabel: "Two-factor (2FA) code" }, { name: "verification_code" }, { name: "token" }]) {
    assert.ok(otp.fieldScore(field(hint)) > 0, JSON.stringify(hint));
  }
});

test("fields that are not codes", () => {
  for (const hint of [{ name: "zipcode" }, { name: "postal_code" }, { name: "promo_code" },
    { name: "email" }, { name: "search" }, { name: "username" }, { name: "country_code" },
    { name: "captcha_code" }, { name: "card_cvc_code" }, { name: "comment" }]) {
    assert.equal(otp.fieldScore(field(hint)), 0, JSON.stringify(hint));
  }
  assert.equal(otp.fieldScore(field({ name: "otp", type: "checkbox" })), 0);
  assert.equal(otp.fieldScore(field({ name: "otp", type: "hidden" })), 0);
  assert.equal(otp.fieldScore(field({ name: "otp", visible: false })), 0);
  assert.equal(otp.fieldScore(field({ name: "otp", enabled: false })), 0);
});

test("numeric input modes and lengths 6 to 8 score higher", () => {
  const plain = otp.fieldScore(field({ name: "code" }));
  assert.ok(otp.fieldScore(field({ name: "code", inputmode: "numeric" })) > plain);
  assert.ok(otp.fieldScore(field({ name: "code", maxLength: 8 })) > plain);
  const best = otp.chooseTarget([field({ name: "code" }),
    field({ name: "code", inputmode: "numeric", maxLength: 6 })], -1);
  assert.deepEqual(best, { kind: "single", index: 1 });
});

test("split one-digit boxes, 4 to 8 in one parent", () => {
  const boxes = Array.from({ length: 6 }, (_, n) => field({ name: `d${n}`, maxLength: 1, group: "boxes" }));
  const fields = [field({ name: "search", group: "header" }), ...boxes];
  assert.deepEqual(otp.chooseTarget(fields, -1), { kind: "split", indexes: [1, 2, 3, 4, 5, 6] });
  assert.equal(otp.splitGroup(boxes.slice(0, 3)), null); // three boxes are no code
  const scattered = boxes.map((box, n) => ({ ...box, group: `g${n}` }));
  assert.equal(otp.splitGroup(scattered), null);
});

test("the field the user chose (the context menu) comes first", () => {
  const fields = [field({ autocomplete: "one-time-code" }), field({ name: "something" })];
  assert.deepEqual(otp.chooseTarget(fields, 1, true), { kind: "single", index: 1 });
  const boxes = Array.from({ length: 6 }, () => field({ maxLength: 1, group: "b" }));
  assert.deepEqual(otp.chooseTarget(boxes, 2), { kind: "split", indexes: [0, 1, 2, 3, 4, 5] });
});

test("the shortcut fills only a code field, never the field that happens to have focus", () => {
  const code = field({ autocomplete: "one-time-code" });
  const search = field({ name: "q", type: "search" });
  const comment = field({ name: "comment" });
  // an attacker's field with focus on a matching host: the code goes to the code field
  assert.deepEqual(otp.chooseTarget([code, comment], 1), { kind: "single", index: 0 });
  assert.deepEqual(otp.chooseTarget([code, comment], 1, false), { kind: "single", index: 0 });
  // no code field at all: nothing is filled (the page gets a note)
  assert.equal(otp.chooseTarget([comment, search], 0), null);
  assert.equal(otp.chooseTarget([field({ name: "q" })], 0), null);
  // a recognised code field with focus is the one filled, before another
  const two = [field({ name: "otp" }), field({ name: "backup_code" })];
  assert.deepEqual(otp.chooseTarget(two, 1), { kind: "single", index: 1 });
});

test("no field at all", () => {
  assert.equal(otp.chooseTarget([field({ name: "username" }), field({ name: "email" })], -1), null);
  assert.equal(otp.chooseTarget([], -1), null);
});

test("language-independent signals and labels in other languages", () => {
  assert.ok(otp.fieldScore(field({ pattern: "[0-9]*", inputmode: "numeric" })) > 0);
  assert.ok(otp.fieldScore(field({ pattern: "\\d{6}" })) > 0);
  assert.equal(otp.fieldScore(field({ pattern: "[0-9]*", type: "password" })), 0);
  assert.equal(otp.fieldScore(field({ pattern: "[0-9]*", name: "phone" })), 0);
  for (const label of ["Código", "Bestätigungscode", "Codice di verifica", "Kod weryfikacyjny",
    "Vahvistuskoodi", "Код подтверждения", "確認コード", "验证码", "인증 번호"]) {
    assert.ok(otp.fieldScore(field({ label })) > 0, label);
  }
  assert.ok(otp.fieldScore(field({ name: "otc", type: "tel" })) > 0); // Microsoft account
  const numbers = Array.from({ length: 6 }, () => field({ type: "number", group: "row" }));
  assert.deepEqual(otp.chooseTarget(numbers, -1), { kind: "split", indexes: [0, 1, 2, 3, 4, 5] });
  const dates = Array.from({ length: 4 }, () => field({ type: "number", name: "year", group: "d" }));
  assert.equal(otp.splitGroup([...dates, field({ type: "number", name: "card", group: "d" })]), null);
});
