import HotlinePropertiesProvider from './HotlinePropertiesProvider.js';

export default {
  __init__: ['hotlinePropertiesProvider'],
  hotlinePropertiesProvider: ['type', HotlinePropertiesProvider],
};
