// Finding the one-time-code field: pure functions over plain descriptions of inputs, so
// node's test runner checks them without a browser (tests/js/). fill.js describes the
// page's inputs and acts on the answer.
"use strict";

(function (exports) {
  const WORDS = /(^|[^a-z])(otp|otc|totp|2fa|mfa|tfa|one[-_ ]?time|onetime|passcode|verification[-_ ]?code|verify[-_ ]?code|auth[a-z]*[-_ ]?code|security[-_ ]?code|sms[-_ ]?code|code|token)([^a-z]|$)/i;
  // "code" in the common languages, inside compounds too (Bestätigungscode, código,
  // codice, kod, koodi, код, コード, 验证码, 인증): a label in the user's language.
  const LANG_WORDS = /(c[oó]digo|codice|[a-zäöüß]code\b|\bkod[ue]?\b|koodi|\bcode\b|код|コード|验证码|驗證碼|인증|認証|vérification|verificaci[oó]n|bestätigung|weryfikac|doğrulama)/iu;
  // A pattern of digits only (pattern="[0-9]*", "\d{6}"): a code, whatever the language.
  const DIGITS_PATTERN = /^\(?(\[0-9 ?\]|\\d)(\*|\+|\{\d(,\d)?\})\)?$/;
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
    const numeric = /^(numeric|decimal)$/i.test(field.inputmode || "") || type === "tel" || type === "number" ||
      DIGITS_PATTERN.test(field.pattern || "");
    if (!WORDS.test(words) && !LANG_WORDS.test(words)) {
      // no word for a code: only the language-independent signals (a digits-only pattern)
      return DIGITS_PATTERN.test(field.pattern || "") && !/^password$/i.test(type) ? 40 : 0;
    }
    let score = 50;
    if (numeric) score += 10;
    const max = Number(field.maxLength);
    if (max >= 6 && max <= 8) score += 10;
    else if (max > 0 && max < 4) return 0; // a box of a split field: see splitGroup
    if (type === "password") score -= 20; // a password field that mentions a code
    return score;
  }

  // Split one-digit boxes: runs of 4 to 8 visible inputs that share a parent (`group`),
  // each one character long, or all type="number" with no length (six number boxes with
  // no name, label or maxlength); none may name something else. The first such run's
  // indexes, or null.
  function splitGroup(fields) {
    const runs = new Map();
    fields.forEach((field, index) => {
      const type = (field.type || "").toLowerCase();
      if (!field.visible || !field.enabled || !TEXT_TYPES.has(type)) return;
      const max = Number(field.maxLength);
      if (max !== 1 && !(type === "number" && !(max > 0))) return;
      if (!runs.has(field.group)) runs.set(field.group, []);
      runs.get(field.group).push(index);
    });
    for (const indexes of runs.values()) {
      const named = indexes.some((i) => NOT_OTP.test([fields[i].name, fields[i].id, fields[i].label].join(" ")));
      if (indexes.length >= 4 && indexes.length <= 8 && !named) return indexes;
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
