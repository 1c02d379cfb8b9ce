export { type ReflectionMount, type ServerReflection, serverReflection } from './server-reflection.js';
