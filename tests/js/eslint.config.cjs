// eslint's configuration for the extension's code: tests/unit/test_extension.py runs
// eslint with it from traycodes/browser/ (with --config, eslint matches "files" from the
// working folder).
"use strict";

const globals = require("globals");

module.exports = [
  {
    files: ["extension/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: { ...globals.browser, ...globals.webextensions, module: "readonly" },
    },
    rules: {
      "no-unused-vars": "error",
      "no-undef": "error",
      "eqeqeq": "error",
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "strict": ["error", "global"],
    },
  },
];
