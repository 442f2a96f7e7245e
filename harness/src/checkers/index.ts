export { isUnknown, type CheckInput, type Checker } from './CheckInput.ts';
export { conservation } from './conservation.ts';
export { noDuplicates } from './noDuplicates.ts';
export { noLostOrders } from './noLostOrders.ts';
export { noOversell } from './noOversell.ts';
export { noRefusedButConfirmed } from './noRefusedButConfirmed.ts';
export { checkerNames, checkers, runCheckers, type CheckerName } from './runCheckers.ts';
export { soldOutWhenDemandExceedsStock } from './soldOutWhenDemandExceedsStock.ts';
export { unknownOutcomes } from './unknownOutcomes.ts';
