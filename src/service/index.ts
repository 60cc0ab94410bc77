export { AppService, APP_VERSION, type ServiceOptions } from './service';
export { isInside, resolveInside } from './paths';
export { isOnnxFileRef } from './teacher-files';
