// Loads the dictionaries that the views' entry modules add when they load,
// so component tests see the same catalogue as the running app.
import '../src/views/explore/strings';
import '../src/views/clusters/strings';
import '../src/views/valuechain/strings';
import '../src/export/strings';
import '../src/present/strings';
