import { CorsEventStream, refusalReasonOf, type CorsEvent } from '../../lib/policy/cors-events';

const REPLACED: CorsEvent = { kind: 'policies-replaced', source: 'replace' };

describe('CorsEvents', () => {
  it('is not listening until a listener subscribes, and stops when the last one leaves', () => {
    const events = new CorsEventStream();
    expect(events.listening).toBe(false);
    const stop = events.on(() => undefined);
    expect(events.listening).toBe(true);
    stop();
    expect(events.listening).toBe(false);
  });

  it('calls every listener once per event, in the order they subscribed', () => {
    const events = new CorsEventStream();
    const calls: string[] = [];
    events.on((event) => calls.push(`a:${event.kind}`));
    events.on((event) => calls.push(`b:${event.kind}`));
    events.emit(REPLACED);
    expect(calls).toEqual(['a:policies-replaced', 'b:policies-replaced']);
  });

  it('a listener that throws is reported, and the next one still hears', () => {
    const events = new CorsEventStream();
    const reported: unknown[] = [];
    events.reportListenerErrorsTo((error) => reported.push(error));
    const failure = new Error('down');
    events.on(() => {
      throw failure;
    });
    const heard: CorsEvent[] = [];
    events.on((event) => heard.push(event));
    expect(() => events.emit(REPLACED)).not.toThrow();
    expect(reported).toEqual([failure]);
    expect(heard).toEqual([REPLACED]);
  });

  it('a listener that stops another while it runs does not disturb the event under way', () => {
    const events = new CorsEventStream();
    const heard: string[] = [];
    let stopSecond: () => void = () => undefined;
    events.on(() => {
      heard.push('first');
      stopSecond();
    });
    stopSecond = events.on(() => heard.push('second'));
    events.emit(REPLACED);
    events.emit(REPLACED);
    expect(heard).toEqual(['first', 'second', 'first']);
  });

  it('refuses what is not a function, naming what to write', () => {
    const events = new CorsEventStream();
    expect(() => events.on(null as never)).toThrow('CorsEvents.on() takes a function, not null');
    expect(() => events.on('metrics' as never)).toThrow('not string');
    expect(events.listening).toBe(false);
  });
});

describe('refusalReasonOf', () => {
  it('keeps a bounded reason as it is', () => {
    expect(refusalReasonOf('origin-not-allowed')).toEqual({
      reason: 'origin-not-allowed',
      header: undefined,
    });
  });

  it("takes the client's header name out of the reason", () => {
    expect(refusalReasonOf('header-not-allowed: x-anything-at-all')).toEqual({
      reason: 'header-not-allowed',
      header: 'x-anything-at-all',
    });
  });
});
