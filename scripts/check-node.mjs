// Runs before dev, test and deploy. Written for any Node version so that an old one gets a
// sentence instead of a stack trace from wrangler or vitest.
var major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(
    "\nThis project needs Node.js 22 or newer (you have " +
      process.version +
      ").\n" +
      "Install it from https://nodejs.org, or run `nvm use` (the .nvmrc says 22).\n",
  );
  process.exit(1);
}
