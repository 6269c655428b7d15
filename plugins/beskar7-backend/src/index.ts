export { beskar7Plugin as default } from './plugin';
