export { Beskar7Page } from './Beskar7Page';
