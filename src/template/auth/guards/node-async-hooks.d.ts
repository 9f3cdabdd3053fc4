// The one Node API used (workerd provides it under nodejs_compat); @types/node would bring all of
// Node's globals into Worker code.
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, fn: () => R): R;
    getStore(): T | undefined;
  }
}
