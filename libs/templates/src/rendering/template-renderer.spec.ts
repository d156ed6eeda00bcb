import { describe, expect, it } from 'vitest';
import { TemplateDataError, TemplateInvalidError } from '../templates.errors';
import { mentionsUnsubscribeUrl } from './herald-variables';
import { localize, TemplateRenderer } from './template-renderer';

const renderer = new TemplateRenderer();

describe('TemplateRenderer', () => {
  it('escapes HTML only in email HTML', () => {
    const rendered = renderer.render(
      {
        channels: { email: { subject: '{{x}}', html: '<b>{{x}}</b>', text: '{{x}}' }, sms: { text: '{{x}}' } },
        locales: {},
      },
      ['email', 'sms'],
      { x: '<i>&</i>' },
    );
    expect(rendered).toEqual({
      email: { subject: '<i>&</i>', html: '<b>&lt;i&gt;&amp;&lt;/i&gt;</b>', text: '<i>&</i>' },
      sms: { text: '<i>&</i>' },
    });
  });

  it('refuses data missing a field the template uses', () => {
    expect(() =>
      renderer.render({ channels: { sms: { text: 'Hi {{user.name}}' } }, locales: {} }, ['sms'], { user: {} }),
    ).toThrow(TemplateDataError);
  });

  it('does not expose prototype properties', () => {
    expect(() =>
      renderer.render({ channels: { sms: { text: '{{constructor.name}}' } }, locales: {} }, ['sms'], {}),
    ).toThrow(TemplateDataError);
  });

  it('reports a compile error with its line', () => {
    let error: unknown;
    try {
      renderer.check({ name: 'x', critical: false, channels: { sms: { text: 'a\n{{#each}}' } }, locales: {} });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TemplateInvalidError);
    const [first] = (error as TemplateInvalidError).errors ?? [];
    expect(first?.path).toBe('channels.sms.text');
    expect(first?.message).toMatch(/line 2/);
  });

  it('overrides per field by locale, falling back from region to language to default', () => {
    const channels = { email: { subject: 'Shipped', text: 'Hello' } };
    const locales = { fr: { email: { subject: 'Expédiée' } } };
    expect(localize(channels, locales, 'fr-CA')).toEqual({ email: { subject: 'Expédiée', text: 'Hello' } });
    expect(localize(channels, locales, 'de')).toEqual(channels);
  });

  it("renders Herald's variables beside the data: empty without a link, shadowing a data field of that name", () => {
    const definition = {
      channels: { email: { subject: 'News', html: '<a href="{{unsubscribeUrl}}">unsubscribe</a>' } },
      locales: {},
      // The schema judges the sender's data alone: Herald's variables are not data.
      schema: { type: 'object', additionalProperties: false, properties: { unsubscribeUrl: { type: 'number' } } },
    };
    const link = 'https://herald.example.com/v1/unsubscribe/a.b';
    expect(renderer.render(definition, ['email'], {}, undefined, { unsubscribeUrl: link }).email?.html).toBe(
      `<a href="${link}">unsubscribe</a>`,
    );
    expect(renderer.render(definition, ['email'], { unsubscribeUrl: 7 }).email?.html).toBe(
      '<a href="">unsubscribe</a>',
    );
  });
});

describe('mentionsUnsubscribeUrl', () => {
  it('finds the variable in any channel or locale', () => {
    expect(mentionsUnsubscribeUrl({ channels: { sms: { text: 'Hi' } }, locales: {} })).toBe(false);
    expect(mentionsUnsubscribeUrl({ channels: { email: { subject: 'x', text: '{{unsubscribeUrl}}' } } })).toBe(true);
    expect(
      mentionsUnsubscribeUrl({
        channels: { email: { subject: 'x', text: 'x' } },
        locales: { fr: { email: { text: '{{ unsubscribeUrl }}' } } },
      }),
    ).toBe(true);
  });
});
