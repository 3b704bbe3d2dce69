// The kinds events.k8s.io/v1 serves. Event shares storage with core/v1 Event.
import './schema.js';
import type { KubeObject } from '../../meta/types.js';
import type { KindDefinition } from '../../scheme/kind.js';
import { eventFromCore, eventToCore } from './conversion.js';
import type { CoreEvent, EventsEvent } from './types.js';
import { validateEventCreate, validateEventUpdate } from './validation.js';

const event: KindDefinition<EventsEvent> = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  singular: 'event',
  shortNames: ['ev'],
  namespaced: true,
  schema: 'io.k8s.api.events.v1.Event',
  tracksGeneration: false,
  validateCreate: validateEventCreate,
  validateUpdate: validateEventUpdate,
  storedAs: {
    group: '',
    version: 'v1',
    toStorage: (obj: EventsEvent): KubeObject => eventToCore(obj),
    fromStorage: (obj: KubeObject): EventsEvent => eventFromCore(obj as CoreEvent),
  },
};

export const eventsKinds: readonly KindDefinition[] = [event] as unknown as readonly KindDefinition[];
