// Finding the one-time-code field: pure functions over plain descriptions of inputs, so
// node's test runner checks them without a browser (tests/js/). fill.js describes the
// page's inputs and acts on the answer.
"use strict";

(function (exports) {
  const WORDS = /(^|[^a-z])(otp|totp|2fa|mfa|tfa|one[-_ ]?time|onetime|passcode|verification[-_ ]?code|verify[-_ ]?code|auth[a-z]*[-_ ]?code|security[-_ ]?code|sms[-_ ]?code|code|token)([^a-z]|$)/i;
  const NOT_OTP = /(zip|postal|post[-_ ]?code|phone|captcha|promo|coupon|voucher|gift|discount|e-?mail|user|login[-_ ]?name|search|country|area[-_ ]?code|cvc|cvv|card|iban|swift|referral|invite)/i;
  const TEXT_TYPES = new Set(["", "text", "tel", "number", "password"]);

  // A score for one input (0: not a code field). `field`: {type, name, id, autocomplete,
  // inputmode, maxLength, placeholder, label, ariaLabel, visible, enabled}.
  function fieldScore(field) {
    if (!field.visible || !field.enabled) return 0;
    const type = (field.type || "").toLowerCase();
    if (!TEXT_TYPES.has(type)) return 0;
    const autocomplete = (field.autocomplete || "").toLowerCase();
    if (autocomplete.split(/\s+/).includes("one-time-code")) return 100;
    const words = [field.name, field.id, field.placeholder, field.label, field.ariaLabel]
      .filter(Boolean)
      .join(" ")
      .replace(/([a-z0-9])([A-Z])/g, "$1 $2"); // camelCase names: mfaCode -> mfa Code
    if (NOT_OTP.test(words) && !/(otp|2fa|mfa|one[-_ ]?time)/i.test(words)) return 0;
    if (!WORDS.test(words)) return 0;
    let score = 50;
    const numeric = /^(numeric|decimal)$/i.test(field.inputmode || "") || type === "tel" || type === "number";
    if (numeric) score += 10;
    const max = Number(field.maxLength);
    if (max >= 6 && max <= 8) score += 10;
    else if (max > 0 && max < 4) return 0; // a box of a split field: see splitGroup
    if (type === "password") score -= 20; // a password field that mentions a code
    return score;
  }

  // Split one-digit boxes: runs of 4 to 8 visible single-character inputs that share a
  // parent (`group`); the indexes of the first such run, or null.
  function splitGroup(fields) {
    const runs = new Map();
    fields.forEach((field, index) => {
      const type = (field.type || "").toLowerCase();
      if (!field.visible || !field.enabled || !TEXT_TYPES.has(type)) return;
      if (Number(field.maxLength) !== 1) return;
      if (!runs.has(field.group)) runs.set(field.group, []);
      runs.get(field.group).push(index);
    });
    for (const indexes of runs.values()) {
      if (indexes.length >= 4 && indexes.length <= 8) return indexes;
    }
    return null;
  }

  // Where the code goes: {kind: "single", index} | {kind: "split", indexes} | null.
  // `focused`: the index of the input that has focus, or -1. `explicit`: the user chose
  // that field (the context menu's "Fill the code here"): it gets the code whatever it is.
  // Otherwise (the shortcut, the hotkey, the popup) only a field recognised as a code
  // field gets it: an attacker's field or a search box with focus gets nothing.
  function chooseTarget(fields, focused, explicit) {
    if (focused >= 0 && fields[focused] && fields[focused].visible) {
      const split = splitGroup(fields);
      if (split && split.includes(focused)) return { kind: "split", indexes: split };
      if (explicit || fieldScore(fields[focused]) > 0) return { kind: "single", index: focused };
    }
    let best = -1;
    let bestScore = 0;
    fields.forEach((field, index) => {
      const score = fieldScore(field);
      if (score > bestScore) {
        best = index;
        bestScore = score;
      }
    });
    if (bestScore >= 100) return { kind: "single", index: best };
    const split = splitGroup(fields);
    if (split) return { kind: "split", indexes: split };
    return best >= 0 ? { kind: "single", index: best } : null;
  }

  exports.fieldScore = fieldScore;
  exports.splitGroup = splitGroup;
  exports.chooseTarget = chooseTarget;
})(typeof module === "object" && module.exports ? module.exports : (globalThis.traycodesOtp = {}));
