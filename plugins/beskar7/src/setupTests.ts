import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The pages render the design system's tables and charts: on a busy
// two-core CI machine the first render of a suite takes seconds.
jest.setTimeout(90_000);
configure({ asyncUtilTimeout: 10_000 });
