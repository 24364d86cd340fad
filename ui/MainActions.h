#pragma once
// The menus and the toolbar of the main window, built from tables of actions (text, keys,
// icon, what it does, whether the toolbar shows it), like the tools' table.

namespace sam3::ui {

class MainWindow;

void buildMainActions(MainWindow& window);

}  // namespace sam3::ui
