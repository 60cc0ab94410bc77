export { createOptimizer, setLearningRate, OPTIMIZER_NAMES, type OptimizerName } from './optimizers';
export { learningRateAt, parseSchedule, type Schedule } from './schedules';
