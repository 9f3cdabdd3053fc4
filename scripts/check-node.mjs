// Runs before dev, test and deploy. Written for any Node version so that an old one gets a
// sentence instead of a stack trace from wrangler or vitest. `--ts`: the script that follows is
// TypeScript run by Node itself (type stripping, on by default from Node 22.18).
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
// biome-ignore lint/complexity/useOptionalChain: this file must parse on any Node version, even old ones
if (process.argv.indexOf("--ts") !== -1 && !(process.features && process.features.typescript)) {
  console.error(
    "\nThis script is TypeScript that Node runs directly, which needs Node.js 22.18 or newer\n" +
      "(you have " +
      process.version +
      "). Update Node 22 (`nvm install 22`).\n",
  );
  process.exit(1);
}
