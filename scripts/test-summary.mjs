// Prints vitest's result as the plain closing line CI reads ("N passed, N failed").
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(new URL('../coverage/vitest.json', import.meta.url), 'utf8'));
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed`);
