export { Beskar7EntityContent } from './Beskar7EntityContent';
