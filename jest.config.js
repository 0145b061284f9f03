const { loadEnv } = require("@medusajs/framework/utils")

// `.env.test` may hold DB_* / DATABASE_URL for a local Postgres.
loadEnv("test", process.cwd())

const TEST_MATCH = {
  unit: ["**/integration-tests/unit/**/*.spec.[jt]s"],
  "integration:modules": ["**/integration-tests/modules/**/*.spec.[jt]s"],
  "integration:http": ["**/integration-tests/http/**/*.spec.[jt]s"],
  // one server and two worker processes sharing Redis (integration-tests/scaleout)
  "integration:scaleout": ["**/integration-tests/scaleout/**/*.spec.[jt]s"],
}

const testType = process.env.TEST_TYPE

if (testType && !TEST_MATCH[testType]) {
  throw new Error(
    `Unknown TEST_TYPE "${testType}" (expected one of ${Object.keys(TEST_MATCH).join(", ")})`
  )
}

module.exports = {
  transform: {
    "^.+\\.[jt]s$": [
      "@swc/jest",
      {
        jsc: {
          parser: { syntax: "typescript", decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: "es2021",
        },
      },
    ],
  },
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "json"],
  modulePathIgnorePatterns: [
    "dist/",
    "<rootDir>/.medusa/",
    "<rootDir>/demo/",
    "<rootDir>/.cache/",
  ],
  setupFiles: ["./integration-tests/setup.js"],
  // Starts embedded Postgres (or adopts DB_* / DATABASE_URL); skipped for unit tests.
  globalSetup: "./integration-tests/global-setup.js",
  globalTeardown: "./integration-tests/global-teardown.js",
  // A kind that finds no suites is a broken glob or a moved folder, not a pass.
  passWithNoTests: false,
  testMatch: TEST_MATCH[testType] ?? [
    "**/integration-tests/{unit,modules,http}/**/*.spec.[jt]s",
  ],
}
