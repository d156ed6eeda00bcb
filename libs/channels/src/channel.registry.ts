import { Inject, Injectable } from '@nestjs/common';
import type { Channel } from '@herald/core';
import { CHANNEL_DRIVERS, ChannelDriver } from './channel-driver';

/** Exactly one driver per channel: a second one is a wiring mistake that stops boot. */
@Injectable()
export class ChannelRegistry {
  private readonly drivers = new Map<Channel, ChannelDriver>();

  constructor(@Inject(CHANNEL_DRIVERS) drivers: ChannelDriver[]) {
    for (const driver of drivers) {
      if (this.drivers.has(driver.channel)) throw new Error(`two drivers registered for channel ${driver.channel}`);
      this.drivers.set(driver.channel, driver);
    }
  }

  channels(): Channel[] {
    return [...this.drivers.keys()];
  }

  driver(channel: Channel): ChannelDriver {
    const driver = this.drivers.get(channel);
    if (!driver) throw new Error(`no driver for channel ${channel}`);
    return driver;
  }
}
