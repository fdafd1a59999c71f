from tui_register.cli import main

raise SystemExit(main())
