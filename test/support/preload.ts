// Tests never read a developer's .env or MALWAR_* settings by accident: each test that needs
// configuration passes it explicitly.
for (const key of Object.keys(process.env)) {
  if (key.startsWith("MALWAR_") && !key.startsWith("MALWAR_TEST_")) delete process.env[key];
}
