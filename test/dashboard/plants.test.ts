// The page's plant helpers (dashboard/page/plants.ts): which plant the address names, the API's
// address for a plant, the page's address for another plant, and the overview's rows.
import { describe, expect, it } from 'vitest';
import {
  addressOf,
  overviewRows,
  plantInsteadOfDefault,
  plantOfSearch,
  plantUrl,
} from '../../dashboard/page/plants.ts';

const summary = (plantId: string) => ({
  plantId,
  asOf: 1,
  generatedAt: 2,
  latestEventAt: 1,
  activeOrders: 3,
  ordersLate: 0,
  ordersDelayed: 0,
});

describe('the page of a plant', () => {
  it('shows the plant ?plant= names, and the default plant when it names none or no plant id', () => {
    expect(plantOfSearch('?plant=north&poll=1')).toBe('north');
    expect(plantOfSearch('?poll=1')).toBe('default');
    expect(plantOfSearch('?plant=')).toBe('default');
    expect(plantOfSearch('?plant=a%2Fb')).toBe('default');
  });

  it("asks the API for another plant's data with ?plant=, and for the default plant's without it", () => {
    const base = 'http://127.0.0.1:8080/dash/?plant=north&token=x';
    expect(plantUrl('api/alerts?limit=50', base, 'north')).toBe(
      'http://127.0.0.1:8080/dash/api/alerts?limit=50&plant=north',
    );
    expect(plantUrl('api/forecast', base, 'default')).toBe('http://127.0.0.1:8080/dash/api/forecast');
  });

  it("opens another plant at the page's address with its other settings kept", () => {
    expect(addressOf('http://h/?poll=1&plant=north', 'south')).toBe('http://h/?poll=1&plant=south');
    expect(addressOf('http://h/?poll=1&plant=north', 'default')).toBe('http://h/?poll=1');
  });

  it('lists the plants by id, with the one shown among them even before its first forecast', () => {
    expect(overviewRows([summary('south'), summary('north')], 'north').map((r) => r.plantId)).toEqual([
      'north',
      'south',
    ]);
    expect(overviewRows([summary('south')], 'east')).toEqual([{ plantId: 'east' }, summary('south')]);
  });
});

describe('a page that names no plant', () => {
  it('opens the first plant with a forecast when the default plant has none', () => {
    expect(plantInsteadOfDefault('', [summary('plant-02'), summary('plant-01')])).toBe('plant-01');
    expect(plantInsteadOfDefault('?poll=1', [summary('south')])).toBe('south');
  });

  it('stays on the default plant when it has a forecast, when no plant has one, or when the address names a plant', () => {
    expect(plantInsteadOfDefault('', [summary('default'), summary('north')])).toBeUndefined();
    expect(plantInsteadOfDefault('', [])).toBeUndefined();
    expect(plantInsteadOfDefault('?plant=default', [summary('north')])).toBeUndefined();
    expect(plantInsteadOfDefault('?plant=east', [summary('north')])).toBeUndefined();
  });
});
