// PlantDesk's local ESLint plugin, registered as `plantdesk` in eslint.config.js.
import layers from './layers.js';

export default {
  meta: { name: 'eslint-plugin-plantdesk' },
  rules: { layers },
};
