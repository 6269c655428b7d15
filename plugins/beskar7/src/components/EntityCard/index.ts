export { Beskar7EntityCard } from './Beskar7EntityCard';
