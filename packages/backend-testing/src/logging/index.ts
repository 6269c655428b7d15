export * from './capturingLogger';
