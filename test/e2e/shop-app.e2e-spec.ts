import { SHOP_CASES } from './cases';
import { describeCasesOnEachPlatform } from './describe-cases';
import { SHOP_APP_MODULES } from './fixtures/shop-app';

describeCasesOnEachPlatform('per-route policies', { module: SHOP_APP_MODULES }, SHOP_CASES);
