// ESLint flat config. `npm run lint` runs it with --max-warnings 0, so every rule here is an error or off.
//
// TypeScript files are linted with type information (typescript-eslint's project service reads
// tsconfig.json): `strictTypeChecked`, which contains all of `recommendedTypeChecked` plus the cheap
// strict rules (no-deprecated, no-base-to-string, no-unnecessary-type-assertion, only-throw-error,
// no-meaningless-void-operator, no-dynamic-delete, ...). The few strict rules that, on this code, mostly
// flag sound code are switched off or narrowed below, each with the reason. no-explicit-any,
// no-floating-promises and no-misused-promises stay on everywhere.
//
// Formatting is Prettier's job (.prettierrc.json): eslint-config-prettier comes last and turns off
// every rule that would disagree with it.
import { defineConfig, globalIgnores } from 'eslint/config'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

export default defineConfig(
  // Build output, data and installed packages (ESLint already skips node_modules/ and .git/).
  globalIgnores([
    'data/',
    'dist/',
    'public/',
    'coverage/',
    '.tmp/',
    'bench/out/',
    'test-results/',
    'playwright-report/',
  ]),

  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // With noUncheckedIndexedAccess every `rows[i]` is `T | undefined`, and the auth middleware sets
      // `req.scope` for every route the policy table guards: `!` is the visible, greppable way to say
      // "known to be there". Forbidding it would only turn those into `as` casts (which hide more).
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Mostly `(req, res) => res.redirect(...)`, `return next()` and `return res.render(...)`, the usual
      // Express shapes: a style preference that finds no bugs here.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Most hits are types that do not match the runtime (yauzl's callback `err` typed non-null,
      // JSON.stringify typed as never returning undefined, `let app` assigned in beforeAll and used with
      // `?.` in afterAll, a flag set inside a callback that TypeScript narrows to its initial value).
      // "Fixing" those would remove real defensive checks.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `async () => value` is how a callback meets a `() => Promise<T>` contract (change()'s body, fakes
      // in tests, async generators). Unhandled promises are caught by no-floating-promises and
      // no-misused-promises, which are what matter.
      '@typescript-eslint/require-await': 'off',
      // strictTypeChecked forbids numbers in template literals; `${count} rows` is everywhere and fine.
      // `null`/`undefined` in a message (a likely bug: "undefined" shown to a user) stays an error.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowNumber: true,
          allowRegExp: true,
          allowNever: true,
          allowAny: false,
          allowBoolean: false,
          allowNullish: false,
        },
      ],
      // Passing on the error a Node-style callback gave us (typed any by express-session) is correct;
      // rejecting with a string or a plain object is still an error.
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allowThrowingAny: true, allowThrowingUnknown: true },
      ],
      // `_name` marks a parameter or binding kept on purpose (Express's 4-argument error handler, a key
      // taken out of an object with rest).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },

  // Tests, test support and benchmark helpers.
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // supertest's `res.body` and Vitest's asymmetric matchers (`expect.any(String)`) are typed `any`
      // by those libraries, and Playwright's page.evaluate() callbacks run in the browser, whose DOM
      // types this Node project does not load. An unexpected shape fails the assertion anyway.
      // (no-explicit-any stays on: tests must not write `any` themselves.)
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests build and trim environment objects (`delete env[key]`), which must stay plain objects.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },

  // Plain JavaScript is not in tsconfig.json, so it is linted without type information.
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  // Browser scripts, copied as they are into public/javascripts by scripts/build-assets.ts.
  {
    files: ['src/web/assets/js/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
  // Node scripts in plain JavaScript (test/support/summary.mjs, this file).
  {
    files: ['**/*.mjs', '**/*.cjs', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node } },
  },

  prettier,
)
