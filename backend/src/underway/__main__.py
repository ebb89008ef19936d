from underway.cli.app import main

main()
