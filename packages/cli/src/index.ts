export * from './command.ts';
export { commands } from './commands.ts';
export { main, usage } from './main.ts';
