// The error label and field selector parsing throws; the API server turns it into a 400.

export class SelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}
