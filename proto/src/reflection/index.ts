export { ReflectedSchema } from './reflected-schema.js';
export { answerReflectionRequest } from './reflection-answer.js';
export { type ReflectionMount, type ServerReflection, serverReflection } from './server-reflection.js';
